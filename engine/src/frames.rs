//! Encoding server messages once, as shared bytes every recipient's queue can hold.

use bytes::Bytes;
use pianorhythm_core::protocol::{server_message::Kind, ErrorCode, ServerMessage};
use prost::Message;

pub fn encode(kind: Kind) -> Bytes {
    Bytes::from(ServerMessage::from_kind(kind).encode_to_vec())
}

pub fn error(code: ErrorCode, message: impl Into<String>) -> Bytes {
    Bytes::from(ServerMessage::error(code, message).encode_to_vec())
}
