//! Prometheus metrics: what a running server is doing, served as Prometheus text on a listener
//! of its own (`METRICS_ADDR`), never on the public one.
//!
//! The `metrics` facade records; `metrics-exporter-prometheus` keeps the values and renders
//! them. Counters and histograms are recorded where things happen (through the handles in
//! [`instruments`], looked up once rather than on every note); gauges of what exists (open
//! connections, players, rooms) are read from the live state when Prometheus scrapes, so they
//! can never drift from it.

use std::{
    future::IntoFuture,
    io,
    net::SocketAddr,
    sync::{Arc, LazyLock, OnceLock},
    time::{Duration, Instant},
};

use axum::{extract::State, http::header, response::IntoResponse, routing::get, Router};
use metrics::{
    counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram, Counter,
    Gauge, Unit,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::{live::LiveConnections, rooms::Registry, shutdown::Shutdown};

pub const CONNECTIONS_OPEN: &str = "pianorhythm_connections_open";
pub const PLAYERS: &str = "pianorhythm_players";
pub const ROOMS: &str = "pianorhythm_rooms";
pub const NOTES_RELAYED: &str = "pianorhythm_notes_relayed_total";
pub const NOTES_DROPPED: &str = "pianorhythm_notes_dropped_total";
pub const OUTBOX_OVERFLOWS: &str = "pianorhythm_outbox_overflows_total";
pub const JOURNAL_QUEUE_DEPTH: &str = "pianorhythm_journal_queue_depth";
pub const STORE_OPERATION_SECONDS: &str = "pianorhythm_store_operation_seconds";
pub const BUS_LAG_SECONDS: &str = "pianorhythm_bus_lag_seconds";
pub const HTTP_REQUESTS: &str = "pianorhythm_http_requests_total";
pub const HTTP_REQUEST_SECONDS: &str = "pianorhythm_http_request_duration_seconds";

/// Histogram buckets, in seconds: from a fast SQLite read (100 µs) to a request worth
/// investigating (5 s).
const SECONDS_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// How often histograms drop old samples from their summaries.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

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

/// The hot-path handles. Before [`install`] they record nothing.
pub fn instruments() -> &'static Instruments {
    &INSTRUMENTS
}

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder (once; servers in one process share it) and answers the
/// handle that renders it.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), &SECONDS_BUCKETS)
                .expect("the buckets are not empty")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics stays empty");
            }
            describe();
            LazyLock::force(&INSTRUMENTS);
            handle
        })
        .clone()
}

fn describe() {
    describe_gauge!(CONNECTIONS_OPEN, "Open WebSocket connections.");
    describe_gauge!(PLAYERS, "Players in rooms.");
    describe_gauge!(ROOMS, "Live rooms, the Lobby included.");
    describe_counter!(NOTES_RELAYED, "Note-ons relayed to rooms.");
    describe_counter!(NOTES_DROPPED, "Note-ons dropped, by reason.");
    describe_counter!(OUTBOX_OVERFLOWS, "Connections closed as too slow.");
    describe_gauge!(JOURNAL_QUEUE_DEPTH, "Writes queued in room journals.");
    describe_histogram!(
        STORE_OPERATION_SECONDS,
        Unit::Seconds,
        "Store operations, by operation."
    );
    describe_histogram!(
        BUS_LAG_SECONDS,
        Unit::Seconds,
        "From publishing on the bus (Redis) to receiving."
    );
    describe_counter!(HTTP_REQUESTS, "HTTP requests, by route and status.");
    describe_histogram!(
        HTTP_REQUEST_SECONDS,
        Unit::Seconds,
        "HTTP request durations, by route."
    );
}

/// Runs a store operation and records how long it took under `operation`.
pub async fn timed<T>(operation: &'static str, work: impl IntoFuture<Output = T>) -> T {
    let started = Instant::now();
    let result = work.await;
    histogram!(STORE_OPERATION_SECONDS, "operation" => operation)
        .record(started.elapsed().as_secs_f64());
    result
}

/// Where the scrape-time gauges are read from.
#[derive(Clone)]
pub struct LiveState {
    /// Rooms and their players.
    pub registry: Arc<Registry>,
    /// Open connections.
    pub live: Arc<LiveConnections>,
}

#[derive(Clone)]
struct Exporter {
    handle: PrometheusHandle,
    state: LiveState,
}

/// Serves `GET /metrics` on `listener` until shutdown.
pub fn serve(
    listener: TcpListener,
    state: LiveState,
    shutdown: Shutdown,
) -> io::Result<SocketAddr> {
    let address = listener.local_addr()?;
    let handle = install();
    tokio::spawn({
        let (handle, shutdown) = (handle.clone(), shutdown.clone());
        async move {
            let mut upkeep = tokio::time::interval(UPKEEP_INTERVAL);
            while shutdown.run_until_cancelled(upkeep.tick()).await.is_some() {
                handle.run_upkeep();
            }
        }
    });
    let app = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Exporter { handle, state });
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await;
        if let Err(error) = served {
            tracing::error!(%error, "the metrics listener failed");
        }
    });
    Ok(address)
}

async fn scrape(State(exporter): State<Exporter>) -> impl IntoResponse {
    let (rooms, players) = exporter.state.registry.totals();
    gauge!(ROOMS).set(rooms as f64);
    gauge!(PLAYERS).set(players as f64);
    gauge!(CONNECTIONS_OPEN).set(exporter.state.live.len() as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        exporter.handle.render(),
    )
}
