//! The loader's single clock. Senders stamp notes with it and receivers read it again, so
//! latency is measured in one clock with no synchronisation error (the server relays the
//! stamp untouched).

use std::{sync::OnceLock, time::Instant};

static EPOCH: OnceLock<Instant> = OnceLock::new();

/// Fixes the epoch; call once at startup so early readings are small, precise numbers.
pub fn start() {
    EPOCH.get_or_init(Instant::now);
}

/// Milliseconds since the loader started.
pub fn now_ms() -> f64 {
    EPOCH.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3
}

/// The loader-clock reading of an `Instant`, for window boundaries.
pub fn ms_at(instant: Instant) -> f64 {
    let epoch = *EPOCH.get_or_init(Instant::now);
    instant.saturating_duration_since(epoch).as_secs_f64() * 1e3
}
