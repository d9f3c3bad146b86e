//! The shared core of PianoRhythm, compiled for both the browser (wasm32) and the server.
//!
//! Nothing here performs I/O: it holds the wire protocol, the pure time-synchronisation math,
//! rate limiting, validation rules and the data types that both sides exchange, so that the
//! rules live in exactly one place.

pub mod domain;
pub mod keyboard_layout;
pub mod notes;
pub mod playout;
pub mod protocol;
pub mod rate_limit;
pub mod rooms;
pub mod samples;
pub mod time_sync;
pub mod validation;
