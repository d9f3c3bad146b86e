//! The real-time WebSocket endpoint, `/ws`.

mod connection;
mod live;
mod outbox;

use std::time::Duration;

use axum::{
    extract::{Query, State, WebSocketUpgrade},
    response::Response,
};
use pianorhythm_core::protocol::{MAX_FRAME_BYTES, PROTOCOL_VERSION};
use serde::Deserialize;
use tower_sessions::Session;

pub use live::LiveConnections;
pub use outbox::Outbox;

use crate::{guest, state::AppState};

/// Frames up to this size are read and answered with a clear error when over
/// [`MAX_FRAME_BYTES`]; anything larger ends the connection without being buffered.
const HARD_FRAME_LIMIT: usize = 4 * MAX_FRAME_BYTES;

/// Read and write buffer size per WebSocket.
const SOCKET_BUFFER_BYTES: usize = 8 * 1024;

/// Connection-level limits; tests shorten the timings.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionConfig {
    /// A connection that sends nothing (not even a pong to our pings) for this long is dead.
    pub idle_timeout: Duration,
    /// Frames a connection may have queued before it counts as too slow.
    pub outbox_capacity: usize,
    /// Messages per second a connection may send, sustained, and in a burst.
    pub message_rate: f64,
    pub message_burst: f64,
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(60),
            outbox_capacity: outbox::OUTBOX_CAPACITY,
            message_rate: 1_000.0,
            message_burst: 2_000.0,
        }
    }
}

#[derive(Deserialize)]
pub struct ConnectParams {
    /// The protocol version the client speaks; kept as text so a malformed value still gets
    /// the protocol's own error rather than an HTTP rejection.
    v: Option<String>,
}

pub async fn upgrade(
    socket: WebSocketUpgrade,
    Query(params): Query<ConnectParams>,
    session: Session,
    State(state): State<AppState>,
) -> Response {
    let speaks_our_protocol = params.v.as_deref() == Some(PROTOCOL_VERSION.to_string().as_str());
    let guest = guest::from_session(&session).await;
    socket
        // Small buffers: an idle connection should cost a few KB, not the 128 KiB defaults.
        // Frames larger than a buffer are still read whole, just in more than one read.
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .max_message_size(HARD_FRAME_LIMIT)
        .max_frame_size(HARD_FRAME_LIMIT)
        .on_upgrade(move |socket| async move {
            if speaks_our_protocol {
                connection::Connection::new(socket, guest, session, state)
                    .serve()
                    .await;
            } else {
                connection::refuse_protocol(socket).await;
            }
        })
}
