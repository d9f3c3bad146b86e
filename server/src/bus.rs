//! The bus between server instances: Redis, when `REDIS_URL` is set.
//!
//! Each instance has a channel of its own (`pianorhythm:instance:<id>`) that it listens on for
//! as long as it runs, subscribing again whenever Redis comes back after a restart; commands go
//! through one connection that reconnects by itself. The instance probes its own channel every
//! few seconds, which measures the bus's publish-to-receive lag (`pianorhythm_bus_lag_seconds`)
//! and shows that the whole path works; `/ready` asks Redis too.
//!
//! Without `REDIS_URL` there is no bus: one process holds every room, as before.

use std::{sync::Arc, time::Duration};

use futures_util::StreamExt;
use metrics::histogram;
use redis::{aio::ConnectionManager, AsyncCommands, Client};

use crate::{clock, metrics::BUS_LAG_SECONDS, shutdown::Shutdown};

/// How often an instance probes its own channel.
const PROBE_INTERVAL: Duration = Duration::from_secs(2);
/// Longest wait between attempts to subscribe again while Redis is away.
const MAX_RETRY_DELAY: Duration = Duration::from_secs(2);
/// A Redis slower than this to answer a ping counts as away.
const PING_TIMEOUT: Duration = Duration::from_secs(2);
/// What a probe's payload starts with, before its send time (server ms).
const PROBE: &str = "probe:";

#[derive(Debug, thiserror::Error)]
#[error("Redis at REDIS_URL: {0}")]
pub struct BusError(#[from] redis::RedisError);

/// This instance's end of the bus.
#[derive(Clone)]
pub struct Bus {
    /// This instance's id among those sharing the bus, fresh at every start.
    instance: Arc<str>,
    /// Commands and publishing; reconnects by itself.
    connection: ConnectionManager,
}

impl Bus {
    /// Connects (Redis must answer now), then listens and probes until shutdown.
    pub async fn connect(url: &str, shutdown: Shutdown) -> Result<Self, BusError> {
        let client = Client::open(url)?;
        let connection = client.get_connection_manager().await?;
        let instance: Arc<str> = format!("{:016x}", rand::random::<u64>()).into();
        let bus = Self {
            instance,
            connection,
        };
        tokio::spawn(listen(client, bus.channel(), shutdown.clone()));
        tokio::spawn(bus.clone().probe(shutdown));
        tracing::info!(instance = %bus.instance, "on the bus");
        Ok(bus)
    }

    /// This instance's id on the bus.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Whether Redis answers now.
    pub async fn ping(&self) -> Result<(), String> {
        let mut connection = self.connection.clone();
        let command = redis::cmd("PING");
        let ping = command.query_async::<String>(&mut connection);
        match tokio::time::timeout(PING_TIMEOUT, ping).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {PING_TIMEOUT:?}")),
        }
    }

    fn channel(&self) -> String {
        format!("pianorhythm:instance:{}", self.instance)
    }

    async fn probe(mut self, shutdown: Shutdown) {
        let mut every = tokio::time::interval(PROBE_INTERVAL);
        let channel = self.channel();
        while shutdown.run_until_cancelled(every.tick()).await.is_some() {
            let payload = format!("{PROBE}{}", clock::now_ms());
            if let Err(error) = self.connection.publish::<_, _, ()>(&channel, payload).await {
                tracing::warn!(%error, "cannot publish on the bus");
            }
        }
    }
}

/// Listens on `channel` until shutdown, subscribing again (with a growing pause) whenever the
/// subscription breaks.
async fn listen(client: Client, channel: String, shutdown: Shutdown) {
    let mut delay = Duration::from_millis(100);
    while !shutdown.is_cancelled() {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.subscribe(&channel).await {
                Ok(()) => {
                    delay = Duration::from_millis(100);
                    let mut messages = pubsub.on_message();
                    while let Some(Some(message)) =
                        shutdown.run_until_cancelled(messages.next()).await
                    {
                        if let Ok(payload) = message.get_payload::<String>() {
                            receive(&payload);
                        }
                    }
                    if !shutdown.is_cancelled() {
                        tracing::warn!("the bus subscription ended; subscribing again");
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot subscribe on the bus"),
            },
            Err(error) => tracing::warn!(%error, "cannot reach the bus"),
        }
        if shutdown
            .run_until_cancelled(tokio::time::sleep(delay))
            .await
            .is_none()
        {
            break;
        }
        delay = (delay * 2).min(MAX_RETRY_DELAY);
    }
}

/// One message on this instance's channel.
fn receive(payload: &str) {
    if let Some(sent) = payload
        .strip_prefix(PROBE)
        .and_then(|sent| sent.parse::<f64>().ok())
    {
        let lag_ms = (clock::now_ms() - sent).max(0.0);
        histogram!(BUS_LAG_SECONDS).record(lag_ms / 1000.0);
    }
}
