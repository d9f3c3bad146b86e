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
//! - `openapi`: the OpenAPI document of these routes, from the handlers' annotations
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
mod openapi;
mod reports;
mod sheets;
mod users;

use axum::{
    extract::{Request, State},
    middleware::{self, Next},
    response::Response,
    Extension, Json, Router,
};
use pianorhythm_core::rooms::RoomSummary;
use utoipa::{OpenApi, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{accounts::Accounts, error::ApiError, http::state::AppState};

/// The API's routes, each registered with its handler's OpenAPI annotation, so the router and
/// the document at `/openapi.json` are built from the same list.
pub fn router(state: &AppState) -> Router<AppState> {
    let (guarded, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(active_rooms))
        .routes(routes!(openapi::document))
        .routes(routes!(audit::recent))
        .routes(routes!(bans::in_force))
        .nest("/blocks", blocks::router())
        .nest("/friends", friends::router())
        .nest("/messages", messages::router())
        .nest("/notifications", notifications::router())
        .nest("/reports", reports::router())
        .nest("/auth", auth::router())
        .nest("/users", users::router())
        .nest("/sheet_music", sheets::router())
        .split_for_parts();
    // Refreshing is for clients whose access token has expired: it may come along, so it is
    // routed outside the layer that refuses bad tokens.
    let (refresh, refresh_document) = OpenApiRouter::new()
        .routes(routes!(auth::refresh))
        .split_for_parts();
    document.merge(refresh_document);
    guarded
        .fallback(|| async { ApiError::NotFound("no such API route".into()) })
        .method_not_allowed_fallback(no_such_method)
        .layer(middleware::from_fn_with_state(
            state.accounts.clone(),
            refuse_bad_tokens,
        ))
        .merge(refresh.method_not_allowed_fallback(no_such_method))
        .layer(Extension(openapi::Served::new(document)))
}

async fn no_such_method() -> ApiError {
    ApiError::MethodNotAllowed("method not allowed on this API route".into())
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

/// One room of the list (`pianorhythm_core::rooms::RoomSummary`, a protocol message, as JSON).
#[derive(ToSchema)]
#[schema(as = RoomSummary)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct RoomSummaryJson {
    /// The room's id, used in its address.
    id: String,
    /// The room's name as shown.
    name: String,
    /// Players in it now.
    player_count: u32,
    /// How many players it holds.
    max_players: u32,
    /// Whether joining asks for a password.
    has_password: bool,
    /// The owner's display name; absent for the Lobby and rooms whose owner is away.
    owner: Option<String>,
    /// When the room was first created, Unix ms; 0 when not known.
    created_at: i64,
}

/// The public rooms with their player counts, the Lobby first.
#[utoipa::path(
    get,
    path = "/rooms/active",
    tag = "rooms",
    responses((status = 200, description = "The public rooms", body = Vec<RoomSummaryJson>)),
)]
async fn active_rooms(State(state): State<AppState>) -> Json<Vec<RoomSummary>> {
    Json(state.registry.public_rooms())
}
