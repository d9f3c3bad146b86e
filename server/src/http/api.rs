//! REST API v1, following the seed's route tree. Every answer, errors included, is JSON in
//! the shape of [`crate::error::ApiError`]. Handlers are thin: they read the request, ask
//! the same services the pages use, and shape the answer.
//!
//! - `caller`: who is asking (bearer token or session), as an extractor
//! - `auth`: sign-in, sign-out, tokens, the signing key
//! - `users`: profiles, settings, roles and site bans
//! - `audit`: the audit log, for moderators

mod audit;
mod auth;
mod caller;
mod users;

use axum::{extract::State, routing::get, Json, Router};
use pianorhythm_core::rooms::RoomSummary;

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rooms/active", get(active_rooms))
        .route("/audit", get(audit::recent))
        .nest("/auth", auth::router())
        .nest("/users", users::router())
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed("method not allowed on this API route".into())
        })
}

/// The public rooms with their player counts, the Lobby first.
async fn active_rooms(State(state): State<AppState>) -> Json<Vec<RoomSummary>> {
    Json(state.registry.public_rooms())
}
