//! The shared core of PianoRhythm, compiled for both the browser (wasm32) and the server.
//!
//! Nothing here performs I/O: it holds the wire protocol, the pure time-synchronisation math,
//! rate limiting, validation rules and the data types that both sides exchange, so that the
//! rules live in exactly one place.
//!
//! - `chat_command`: the chat's commands (`/help`, `/me`, ...), read from what a player typed
//! - `chat_text`: how a chat line reads: its links, its mentions, when two names are one
//! - `domain`: what the server keeps (users, rooms, sheets, audit, sessions) and its rules
//! - `keyboard_layout`: which computer key plays which note
//! - `notes`: piano keys, note names and batch limits
//! - `playout`: the adaptive playout delay of a remote player's notes
//! - `polyphony`: the cap on voices sounding at once, and which gives way
//! - `protocol`: the WebSocket messages, generated from `proto/pianorhythm.proto`
//! - `rate_limit`: a token bucket
//! - `rooms`: room data and limits shared by server and client
//! - `samples`: which recorded sample plays a note
//! - `sheet_format`: Virtual Piano text and MIDI files read into notes, and MIDI written
//! - `time_sync`: clock synchronisation with the server
//! - `validation`: what players may type

pub mod chat_command;
pub mod chat_text;
pub mod domain;
pub mod keyboard_layout;
pub mod notes;
pub mod playout;
pub mod polyphony;
pub mod protocol;
pub mod rate_limit;
pub mod rooms;
pub mod samples;
pub mod sheet_format;
pub mod time_sync;
pub mod validation;
