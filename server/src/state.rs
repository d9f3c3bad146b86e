//! What every request handler can reach.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use std::sync::Arc;

use app::services::SharedRoomDirectory;

use crate::{
    http::health::Readiness,
    rooms::Registry,
    store::Store,
    ws::{ConnectionConfig, LiveConnections},
};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    /// The registry again, as the interface server functions know.
    pub rooms: SharedRoomDirectory,
    pub registry: Arc<Registry>,
    pub connection: ConnectionConfig,
    pub live: Arc<LiveConnections>,
    pub readiness: Readiness,
    pub store: Store,
}
