//! Idle mode: what one connected-but-silent player costs the server in memory. Opens N
//! connections that only receive the Welcome, and compares the server's RSS before and after.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::time;

use crate::{
    bot,
    procfs::{self, Pid},
};

/// Time for the server's allocator and buffers to settle after the last connection.
const SETTLE: Duration = Duration::from_secs(2);
/// Read buffer per idle connection, kept small so the loader itself stays light.
const IDLE_READ_BUFFER: usize = 4 * 1024;

/// What idle mode measured.
pub struct IdleResult {
    /// Connections opened.
    pub connections: u32,
    /// Growth of the server's resident memory divided by the connections.
    pub kb_per_connection: Option<f64>,
    /// The server's resident memory with every connection open.
    pub rss_mb_after: Option<f64>,
}

pub async fn measure(
    base: &str,
    pid: Option<u32>,
    connections: u32,
    concurrency: usize,
) -> Result<IdleResult, String> {
    let rss = || pid.and_then(|pid| procfs::rss_kb(Pid::Other(pid)));
    time::sleep(SETTLE).await;
    let before = rss();

    let config = bot::socket_config(IDLE_READ_BUFFER);
    let mut opened = Vec::with_capacity(connections as usize);
    let mut attempts = futures_util::stream::iter(0..connections)
        .map(|_| bot::connect_welcomed(base, config))
        .buffer_unordered(concurrency);
    while let Some(socket) = attempts.next().await {
        opened.push(socket.map_err(|error| {
            format!("connection {} of {connections}: {error}", opened.len() + 1)
        })?);
        if opened.len() % 1000 == 0 {
            eprintln!("[idle] {}/{connections} connected", opened.len());
        }
    }
    eprintln!("[idle] {connections} connections open; settling");
    time::sleep(SETTLE).await;
    let after = rss();
    // The sockets stay open (unread) until the figures are taken.
    drop(opened);

    Ok(IdleResult {
        connections,
        kb_per_connection: before
            .zip(after)
            .map(|(before, after)| (after as f64 - before as f64) / f64::from(connections.max(1))),
        rss_mb_after: after.map(|kb| kb as f64 / 1024.0),
    })
}
