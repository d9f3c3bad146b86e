//! The shared core of PianoRhythm, compiled for both the browser (wasm32) and the server.
//!
//! Nothing here performs I/O: it holds the wire protocol, the pure time-synchronisation math,
//! rate limiting, validation rules and the data types that both sides exchange, so that the
//! rules live in exactly one place.
//!
//! - `domain`: the data types of users, rooms, chat and sheet music
//! - `keyboard_layout`: computer keys to piano keys
//! - `notes`: note names, ranges and batch limits
//! - `playout`: the adaptive playout delay for other players' notes
//! - `polyphony`: the cap on voices sounding at once, and which gives way
//! - `protocol`: the protobuf messages of the WebSocket
//! - `rate_limit`: the token bucket behind every limit
//! - `rooms`: room limits and defaults
//! - `samples`: which recorded piano sample plays a note
//! - `time_sync`: the clock offset from NTP-style pings
//! - `validation`: the rules for names, text and settings

pub mod domain;
pub mod keyboard_layout;
pub mod notes;
pub mod playout;
pub mod polyphony;
pub mod protocol;
pub mod rate_limit;
pub mod rooms;
pub mod samples;
pub mod time_sync;
pub mod validation;
