//! The PianoRhythm server: one axum application serving the pages (Leptos SSR), the client
//! bundle, the JSON API, health checks and the real-time WebSocket.
//!
//! [`start`] runs it on a listener and hands back a [`RunningServer`]; `main` and the
//! integration tests both go through it, so the tests exercise the real thing. It is the
//! composition root: the only place that knows whether there are other instances (Redis:
//! `pianorhythm_cluster`; alone: the engine's `Solo`) and which store is open.
//!
//! The rooms, limits and live connections are the engine's (`pianorhythm_engine`), storage is
//! `pianorhythm_store`, and what pages and the API exchange is `pianorhythm_api`; this crate
//! adapts them to HTTP and the WebSocket.
//!
//! - `accounts`: signing in, sessions' identities, API tokens, profiles, staff actions
//! - `config`: settings from the environment, grouped for each part
//! - `error`: the HTTP error shape, `ApiError`
//! - `guest`: guest identities in the session cookie
//! - `http`: the routes: pages, server functions, `/api/v1`, health, assets, sessions
//! - `metrics`: the Prometheus exporter on its own listener, and the gauges read at scrape time
//! - `reports`: players' reports about other players, and staff closing them
//! - `rooms`: creating rooms, room tickets and leaving, for the socket and the REST API alike
//! - `service_error`: the one error of the services (accounts, sheet music)
//! - `sheets`: sheet music: formats, the library, recordings
//! - `social`: what players do about each other: blocks, friends and where they are
//! - `telemetry`: logs and Sentry
//! - `ws`: the WebSocket endpoint: the socket loop, and requests turned into room commands

// The app's view types nest deeply; the default limit is too low to lay them out.
#![recursion_limit = "256"]

pub mod accounts;
pub mod config;
pub mod error;
pub mod guest;
pub mod http;
pub mod metrics;
pub mod reports;
pub mod rooms;
pub mod service_error;
pub mod sheets;
pub mod social;
pub mod telemetry;
pub mod ws;

use std::{io, net::SocketAddr, sync::Arc, time::Duration};

use pianorhythm_engine::{
    limits::{PlayerLimits, SharedLimits},
    live::LiveConnections,
    presence::{LocalPresence, PresenceBoard},
    quotas::{AccountQuota, SharedQuotas},
    rooms::{Cluster, Registry},
    shutdown::Shutdown,
    solo::Solo,
};
use pianorhythm_store::Store;
use tokio::{net::TcpListener, task::JoinHandle};

use crate::{
    accounts::Accounts,
    config::Config,
    http::{health::Readiness, sessions::PersistentSessions},
};

/// Longest wait at shutdown for rooms' queued writes.
const JOURNAL_FLUSH_TIMEOUT: Duration = Duration::from_secs(10);

/// A server accepting connections in the background.
pub struct RunningServer {
    local_addr: SocketAddr,
    metrics_addr: SocketAddr,
    shutdown: Shutdown,
    task: JoinHandle<io::Result<()>>,
}

/// Binds `config.site_addr` (port 0 picks a free port) and starts serving.
pub async fn start(config: Config) -> io::Result<RunningServer> {
    let listener = TcpListener::bind(config.site_addr).await?;
    let local_addr = listener.local_addr()?;
    let metrics_listener = TcpListener::bind(config.metrics_addr)
        .await
        .map_err(|error| {
            io::Error::new(
                error.kind(),
                format!(
                    "cannot listen for metrics on {}: {error}",
                    config.metrics_addr
                ),
            )
        })?;
    metrics::install();
    let shutdown = Shutdown::new();
    let leptos_options = config.leptos_options();
    let client_bundle = config
        .pkg_dir()
        .join(format!("{}.wasm", leptos_options.output_name));
    let store = Store::open(&config.store).await.map_err(|error| {
        io::Error::other(format!("cannot open the {:?} store: {error}", config.store))
    })?;
    tracing::info!(backend = store.backend, "store open");
    // The one place that knows whether there are other instances: alone, the engine's `Solo`
    // stands in for the cluster and the shared limits.
    let (cluster, shared_limits, joined): (Arc<dyn Cluster>, Arc<dyn SharedLimits>, _) =
        match &config.redis_url {
            Some(url) => {
                let joined = pianorhythm_cluster::join(
                    url,
                    config.bus_secret.as_deref(),
                    config.limits.clone(),
                    &shutdown,
                )
                .await
                .map_err(io::Error::other)?;
                (joined.cluster.clone(), joined.limits.clone(), Some(joined))
            }
            None => (Arc::new(Solo), Arc::new(Solo), None),
        };
    let shared_quotas: Arc<dyn SharedQuotas> = match &joined {
        Some(joined) => joined.limits.clone(),
        None => Arc::new(Solo),
    };
    let uploads = Arc::new(AccountQuota::new(
        "sheet_uploads",
        config.upload_quota.windows(),
        shared_quotas.clone(),
    ));
    let limits = PlayerLimits::new(config.limits.clone(), shared_limits);
    limits.spawn_sweeper(shutdown.clone());
    let registry = Registry::start(
        config.rooms.clone(),
        shutdown.clone(),
        Arc::new(store.clone()),
        limits.clone(),
        cluster.clone(),
    );
    registry
        .restore(store.rooms.list().await.map_err(io::Error::other)?)
        .await;
    let public_url = config
        .accounts
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local_addr}"));
    let live = LiveConnections::start(shutdown.clone(), cluster.clone());
    let presence: Arc<dyn PresenceBoard> = match &joined {
        Some(joined) => joined.presence.clone(),
        None => Arc::new(LocalPresence::default()),
    };
    if let Some(joined) = joined {
        joined.serve(registry.clone(), live.clone(), shutdown.clone());
    }
    let metrics_addr = metrics::serve(
        metrics_listener,
        metrics::LiveState {
            registry: registry.clone(),
            live: live.clone(),
        },
        shutdown.clone(),
    )?;
    let accounts = Accounts::new(
        &config.accounts,
        public_url,
        &store,
        registry.clone(),
        live.clone(),
    )?;
    let sessions = PersistentSessions::new(store.sessions.clone(), config.passing_sessions);
    sessions.spawn_cleanup(shutdown.clone());
    accounts::purge::spawn(store.refresh_tokens.clone(), shutdown.clone());
    let social = social::Social::new(
        &store,
        social::SocialParts {
            live: live.clone(),
            presence,
            registry: registry.clone(),
            quotas: shared_quotas,
            message_quota: config.message_quota,
            avatar_hosts: accounts.avatar_hosts(),
        },
    );
    let room_service = rooms::RoomService::new(
        registry.clone(),
        limits.clone(),
        live.clone(),
        accounts.clone(),
    );
    let state = http::state::AppState {
        leptos_options,
        rooms: Arc::new(room_service.clone()),
        registry: registry.clone(),
        reports: reports::Reports::new(&store, registry.clone(), limits.clone()),
        room_service,
        realtime: ws::Realtime {
            registry: registry.clone(),
            limits,
            live,
            connection: config.connection,
            origins: Arc::new(config.allowed_origins.clone()),
            accounts: accounts.clone(),
            social: social.clone(),
        },
        social,
        accounts,
        sheets: sheets::SheetLibrary::new(store.sheets.clone(), uploads, store.audit.clone()),
        readiness: Readiness {
            client_bundle,
            shutdown: shutdown.clone(),
            store: store.health.clone(),
            cluster: cluster.clone(),
        },
        store,
    };
    let app = http::router(&config.site(), state, sessions);
    let serve = config.serve;
    let task = tokio::spawn({
        let shutdown = shutdown.clone();
        async move {
            let served = http::serve::serve(listener, app, serve, shutdown.cancelled_owned()).await;
            // Rooms end with the shutdown; what their journals still hold is written now.
            if tokio::time::timeout(JOURNAL_FLUSH_TIMEOUT, registry.flushed())
                .await
                .is_err()
            {
                tracing::error!("some room journals could not be written before exit");
            }
            // Then the other instances may take the rooms over at once, from the store.
            if let Err(error) = cluster.depart().await {
                tracing::warn!(%error, "cannot tell the other instances this one is leaving");
            }
            served
        }
    });
    tracing::info!(address = %local_addr, metrics = %metrics_addr, "listening");
    Ok(RunningServer {
        local_addr,
        metrics_addr,
        shutdown,
        task,
    })
}

impl RunningServer {
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Where `/metrics` is served.
    pub fn metrics_addr(&self) -> SocketAddr {
        self.metrics_addr
    }

    /// Begins a graceful shutdown without waiting for it (as SIGTERM does).
    pub fn begin_shutdown(&self) {
        self.shutdown.cancel();
    }

    /// Shuts down gracefully: stops accepting, closes every WebSocket with a reason, and waits
    /// for requests in flight.
    pub async fn stop(self) -> io::Result<()> {
        self.shutdown.cancel();
        self.task.await.map_err(io::Error::other)?
    }
}
