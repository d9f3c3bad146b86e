//! A browser session as stored: an opaque, already-encoded payload and when it expires.

use crate::domain::UnixMillis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// The session cookie's value: long and random, so it cannot be guessed.
    pub id: String,
    pub data: Vec<u8>,
    pub expires_at: UnixMillis,
}
