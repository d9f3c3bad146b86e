//! REST API v1, following the seed's route tree. Every answer, errors included, is JSON in
//! the shape of [`crate::error::ApiError`]. Handlers are thin: they read the request, ask
//! the same services the pages use, and shape the answer.
//!
//! - `caller`: who is asking (bearer token or session), as an extractor
//! - `extract`: JSON bodies and queries, refused in the API's error shape
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
//! - `rooms`: the rooms being played in; creating, joining (a ticket) and leaving one
//! - `sheets`: sheet music

mod audit;
mod auth;
mod bans;
mod blocks;
mod caller;
mod extract;
mod friends;
mod messages;
mod notifications;
mod openapi;
mod reports;
mod rooms;
mod sheets;
mod users;

use axum::{
    extract::{Request, State},
    middleware::{self, Next},
    response::Response,
    Extension, Router,
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{accounts::Accounts, error::ApiError, http::state::AppState};

/// The API's routes, each registered with its handler's OpenAPI annotation, so the router and
/// the document at `/openapi.json` are built from the same list.
pub fn router(state: &AppState) -> Router<AppState> {
    let (guarded, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/rooms", rooms::router())
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
