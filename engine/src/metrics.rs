//! The engine's metrics, recorded through the `metrics` facade: the server installs the
//! Prometheus recorder and serves it; without one (tests, fuzzing) they record nothing.
//!
//! Counters on hot paths are recorded through the handles in [`instruments`], looked up once
//! rather than on every note. Gauges of what exists (open connections, players, rooms) are
//! not recorded here: the server reads them from the registry and the live connections when
//! Prometheus scrapes, so they can never drift.

use std::{future::IntoFuture, sync::LazyLock, time::Instant};

use metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Counter,
    Gauge, Unit,
};

pub const NOTES_RELAYED: &str = "pianorhythm_notes_relayed_total";
pub const NOTES_DROPPED: &str = "pianorhythm_notes_dropped_total";
pub const OUTBOX_OVERFLOWS: &str = "pianorhythm_outbox_overflows_total";
pub const JOURNAL_QUEUE_DEPTH: &str = "pianorhythm_journal_queue_depth";
pub const STORE_OPERATION_SECONDS: &str = "pianorhythm_store_operation_seconds";

/// The handles recorded on hot paths, looked up once.
pub struct Instruments {
    /// Note-ons passed on to a room.
    pub notes_relayed: Counter,
    /// Note-ons dropped for going over the player's quota.
    pub notes_dropped_by_quota: Counter,
    /// Connections whose outgoing queue filled up (too slow a client).
    pub outbox_overflows: Counter,
    /// Writes waiting in the rooms' journals.
    pub journal_queue_depth: Gauge,
}

static INSTRUMENTS: LazyLock<Instruments> = LazyLock::new(|| Instruments {
    notes_relayed: counter!(NOTES_RELAYED),
    notes_dropped_by_quota: counter!(NOTES_DROPPED, "reason" => "quota"),
    outbox_overflows: counter!(OUTBOX_OVERFLOWS),
    journal_queue_depth: gauge!(JOURNAL_QUEUE_DEPTH),
});

/// The hot-path handles. They bind to the recorder installed when they are first used, so
/// the server installs its recorder, then calls [`describe`], before any room starts.
pub fn instruments() -> &'static Instruments {
    &INSTRUMENTS
}

/// Describes the engine's metrics to the installed recorder and binds the hot-path handles.
pub fn describe() {
    describe_counter!(NOTES_RELAYED, "Note-ons relayed to rooms.");
    describe_counter!(NOTES_DROPPED, "Note-ons dropped, by reason.");
    describe_counter!(OUTBOX_OVERFLOWS, "Connections closed as too slow.");
    describe_gauge!(JOURNAL_QUEUE_DEPTH, "Writes queued in room journals.");
    describe_histogram!(
        STORE_OPERATION_SECONDS,
        Unit::Seconds,
        "Store operations, by operation."
    );
    LazyLock::force(&INSTRUMENTS);
}

/// Runs a store operation and records how long it took under `operation`.
pub async fn timed<T>(operation: &'static str, work: impl IntoFuture<Output = T>) -> T {
    let started = Instant::now();
    let result = work.await;
    histogram!(STORE_OPERATION_SECONDS, "operation" => operation)
        .record(started.elapsed().as_secs_f64());
    result
}
