//! The real-time WebSocket endpoint, `/ws`.

mod connection;

use axum::{
    extract::{Query, State, WebSocketUpgrade},
    response::Response,
};
use pianorhythm_core::protocol::{MAX_FRAME_BYTES, PROTOCOL_VERSION};
use serde::Deserialize;

use crate::state::AppState;

/// Frames up to this size are read and answered with a clear error when over
/// [`MAX_FRAME_BYTES`]; anything larger ends the connection without being buffered.
const HARD_FRAME_LIMIT: usize = 4 * MAX_FRAME_BYTES;

#[derive(Deserialize)]
pub struct ConnectParams {
    /// The protocol version the client speaks; kept as text so a malformed value still gets
    /// the protocol's own error rather than an HTTP rejection.
    v: Option<String>,
}

pub async fn upgrade(
    socket: WebSocketUpgrade,
    Query(params): Query<ConnectParams>,
    State(state): State<AppState>,
) -> Response {
    let speaks_our_protocol = params.v.as_deref() == Some(PROTOCOL_VERSION.to_string().as_str());
    socket
        .max_message_size(HARD_FRAME_LIMIT)
        .max_frame_size(HARD_FRAME_LIMIT)
        .on_upgrade(move |socket| connection::serve(socket, speaks_our_protocol, state.shutdown))
}
