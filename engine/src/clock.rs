//! Server time: the reference clock every client synchronises to.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch, with sub-millisecond precision.
pub fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |elapsed| elapsed.as_secs_f64() * 1000.0)
}

/// Whole milliseconds since the Unix epoch, as records are stamped.
pub fn now_millis() -> pianorhythm_core::domain::UnixMillis {
    now_ms() as i64
}

/// Days since the Unix epoch, for things that happen at most once a day.
pub fn today() -> i64 {
    (now_ms() / 86_400_000.0).floor() as i64
}
