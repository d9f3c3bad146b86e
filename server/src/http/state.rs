//! What every request handler can reach.

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use std::sync::Arc;

use pianorhythm_api::services::SharedRoomDirectory;
use pianorhythm_engine::rooms::Registry;
use pianorhythm_store::Store;

use super::health::Readiness;
use crate::{
    accounts::Accounts, reports::Reports, rooms::RoomService, sheets::SheetLibrary, social::Social,
    ws::Realtime,
};

#[derive(Clone, FromRef)]
pub struct AppState {
    /// Paths and names the pages are rendered with.
    pub leptos_options: LeptosOptions,
    /// The room service again, as the interface server functions know.
    pub rooms: SharedRoomDirectory,
    /// Live rooms, for the JSON API.
    pub registry: Arc<Registry>,
    /// Creating rooms, room tickets and leaving, for the JSON API.
    pub room_service: RoomService,
    /// What the WebSocket endpoint needs.
    pub realtime: Realtime,
    /// What `/ready` checks.
    pub readiness: Readiness,
    /// Persistence, for the JSON API and server functions.
    pub store: Store,
    /// Sign-in, sessions' identities, tokens, profiles: for the API and server functions.
    pub accounts: Accounts,
    /// Sheet music: for the API and server functions.
    pub sheets: SheetLibrary,
    /// Players' reports: for the API and server functions.
    pub reports: Reports,
    /// What players do about each other (blocks): for the API and server functions.
    pub social: Social,
}
