//! REST API v1. Every answer, errors included, is JSON in the shape of [`crate::error::ApiError`].

use axum::{extract::State, routing::get, Json, Router};
use pianorhythm_core::rooms::RoomSummary;

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rooms/active", get(active_rooms))
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed("method not allowed on this API route".into())
        })
}

/// The public rooms with their player counts, the Lobby first.
async fn active_rooms(State(state): State<AppState>) -> Json<Vec<RoomSummary>> {
    Json(state.registry.public_rooms())
}
