//! What every request handler can reach.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use app::services::SharedRoomDirectory;

use crate::{http::health::Readiness, shutdown::Shutdown};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub rooms: SharedRoomDirectory,
    pub readiness: Readiness,
    pub shutdown: Shutdown,
}
