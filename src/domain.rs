//! What the server keeps: users, rooms that persist, sheet music, the audit log and sessions.
//!
//! Plain data and the rules for it, with no storage driver in sight: the server's storage ports
//! take and return these types, and each backend maps them to its own records.

pub mod audit;
pub mod auth;
pub mod room;
pub mod room_settings;
pub mod session;
pub mod sheet_music;
pub mod user;

/// Milliseconds since the Unix epoch, the time unit of every stored record.
pub type UnixMillis = i64;

/// Lower-cases text for case-insensitive exact matching and searching. Every backend compares
/// these keys (computed here, never by the database), so "case-insensitive" means the same
/// thing everywhere, Unicode included.
pub fn match_key(text: &str) -> String {
    text.trim().to_lowercase()
}
