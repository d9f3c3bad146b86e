//! Prometheus metrics: what a running server is doing, served as Prometheus text on a listener
//! of its own (`METRICS_ADDR`), never on the public one.
//!
//! The `metrics` facade records; `metrics-exporter-prometheus` keeps the values and renders
//! them. Counters and histograms are recorded where things happen (the engine's hot-path
//! handles in `pianorhythm_engine::metrics`, the bus's lag in the cluster crate, HTTP requests
//! here); gauges of what exists (open connections, players, rooms) are read from the live
//! state when Prometheus scrapes, so they can never drift from it.

use std::{
    io,
    net::SocketAddr,
    sync::{Arc, OnceLock},
    time::Duration,
};

use axum::{extract::State, http::header, response::IntoResponse, routing::get, Router};
use metrics::{describe_counter, describe_gauge, describe_histogram, gauge, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use pianorhythm_engine::{live::LiveConnections, rooms::Registry, shutdown::Shutdown};
use tokio::net::TcpListener;

pub const CONNECTIONS_OPEN: &str = "pianorhythm_connections_open";
pub const PLAYERS: &str = "pianorhythm_players";
pub const ROOMS: &str = "pianorhythm_rooms";
pub const HTTP_REQUESTS: &str = "pianorhythm_http_requests_total";
pub const HTTP_REQUEST_SECONDS: &str = "pianorhythm_http_request_duration_seconds";

/// Histogram buckets, in seconds: from a fast SQLite read (100 µs) to a request worth
/// investigating (5 s).
const SECONDS_BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

/// How often histograms drop old samples from their summaries.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

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
            pianorhythm_engine::metrics::describe();
            handle
        })
        .clone()
}

fn describe() {
    describe_gauge!(CONNECTIONS_OPEN, "Open WebSocket connections.");
    describe_gauge!(PLAYERS, "Players in rooms.");
    describe_gauge!(ROOMS, "Live rooms, the Lobby included.");
    describe_histogram!(
        pianorhythm_cluster::BUS_LAG_SECONDS,
        Unit::Seconds,
        "From publishing on the bus (Redis) to receiving."
    );
    describe_counter!(
        pianorhythm_cluster::BUS_REJECTED,
        "Bus messages dropped unread (not signed with BUS_SECRET, or undecodable), by reason."
    );
    describe_counter!(HTTP_REQUESTS, "HTTP requests, by route and status.");
    describe_histogram!(
        HTTP_REQUEST_SECONDS,
        Unit::Seconds,
        "HTTP request durations, by route."
    );
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
