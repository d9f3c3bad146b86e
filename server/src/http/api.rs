//! REST API v1, following the seed's route tree. Every answer, errors included, is JSON in
//! the shape of [`crate::error::ApiError`]. Handlers are thin: they read the request, ask
//! the same services the pages use, and shape the answer.
//!
//! - `caller`: who is asking (bearer token or session), as an extractor
//! - `auth`: sign-in, sign-out, tokens, the signing key
//! - `users`: profiles, settings, roles and site bans
//! - `audit`: the audit log by filter, for moderators
//! - `bans`: the site bans in force, for moderators
//! - `blocks`: whom the caller blocks
//! - `friends`: the caller's friends and friend requests
//! - `messages`: the caller's conversations and direct messages
//! - `notifications`: what the caller has been told about
//! - `reports`: players' reports, and moderators closing them
//! - `sheets`: sheet music

mod audit;
mod auth;
mod bans;
mod blocks;
mod caller;
mod friends;
mod messages;
mod notifications;
mod reports;
mod sheets;
mod users;

use axum::{
    extract::{Request, State},
    middleware::{self, Next},
    response::Response,
    routing::{get, post},
    Json, Router,
};
use pianorhythm_core::rooms::RoomSummary;

use crate::{accounts::Accounts, error::ApiError, http::state::AppState};

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/rooms/active", get(active_rooms))
        .route("/audit", get(audit::recent))
        .route("/bans", get(bans::in_force))
        .nest("/blocks", blocks::router())
        .nest("/friends", friends::router())
        .nest("/messages", messages::router())
        .nest("/notifications", notifications::router())
        .nest("/reports", reports::router())
        .nest("/auth", auth::router())
        .nest("/users", users::router())
        .nest("/sheet_music", sheets::router())
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::MethodNotAllowed("method not allowed on this API route".into())
        })
        .layer(middleware::from_fn_with_state(
            state.accounts.clone(),
            refuse_bad_tokens,
        ))
        // Refreshing is for clients whose access token has expired: it may come along.
        .route("/auth/refresh", post(auth::refresh))
}

/// A request that sends a token must send a good one, whatever the route (but the refresh):
/// a bad token is a 401 even where no token is needed, never silently ignored.
async fn refuse_bad_tokens(
    State(accounts): State<Accounts>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    accounts.check_token_header(request.headers())?;
    Ok(next.run(request).await)
}

/// The public rooms with their player counts, the Lobby first.
async fn active_rooms(State(state): State<AppState>) -> Json<Vec<RoomSummary>> {
    Json(state.registry.public_rooms())
}
