//! The loader's single clock. Senders stamp notes with it and receivers read it again, so
//! latency is measured in one clock with no synchronisation error (the server relays the
//! stamp untouched as long as it is close to server time).
//!
//! Readings are Unix milliseconds, like the server's clock on the same machine (the server
//! restamps batches far from its time), but they advance with the monotonic clock from the
//! moment the loader started, so a wall-clock step during a run cannot distort a latency.

use std::{
    sync::OnceLock,
    time::{Instant, SystemTime, UNIX_EPOCH},
};

/// The monotonic instant the loader started, and the Unix time (ms) it was then.
static EPOCH: OnceLock<(Instant, f64)> = OnceLock::new();

fn epoch() -> (Instant, f64) {
    *EPOCH.get_or_init(|| {
        let unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |elapsed| elapsed.as_secs_f64() * 1e3);
        (Instant::now(), unix_ms)
    })
}

/// Fixes the epoch; call once at startup.
pub fn start() {
    epoch();
}

/// The loader's time, in Unix milliseconds.
pub fn now_ms() -> f64 {
    ms_at(Instant::now())
}

/// The loader-clock reading of an `Instant`, for window boundaries.
pub fn ms_at(instant: Instant) -> f64 {
    let (started, unix_ms) = epoch();
    unix_ms + instant.saturating_duration_since(started).as_secs_f64() * 1e3
}
