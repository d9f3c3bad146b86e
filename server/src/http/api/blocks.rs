//! `/api/v1/blocks`: whom the caller blocks. A member's list (with the session cookie or a
//! bearer token) is on the account; a guest's, in their session.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use pianorhythm_api::social::{BlockForm, BlockedPlayer};
use tower_sessions::Session;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::JsonBody;
use crate::{accounts::Caller, error::ApiError, http::state::AppState, social::Social};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, block))
        .routes(routes!(unblock))
}

/// The players the caller blocks.
#[utoipa::path(
    get,
    path = "",
    tag = "blocks",
    security(("session" = []), ("bearer" = [])),
    responses((status = 200, description = "The blocked players", body = Vec<BlockedPlayer>)),
)]
async fn list(
    State(social): State<Social>,
    caller: Caller,
    session: Session,
) -> Result<Json<Vec<BlockedPlayer>>, ApiError> {
    Ok(Json(social.blocks(&caller, &session).await?))
}

/// Blocks a player: their chat and notes no longer reach the caller.
#[utoipa::path(
    post,
    path = "",
    tag = "blocks",
    request_body = BlockForm,
    security(("session" = []), ("bearer" = [])),
    responses((status = 201, description = "Blocked", body = BlockedPlayer)),
)]
async fn block(
    State(social): State<Social>,
    caller: Caller,
    session: Session,
    JsonBody(form): JsonBody<BlockForm>,
) -> Result<(StatusCode, Json<BlockedPlayer>), ApiError> {
    let blocked = social.block(&caller, &session, form).await?;
    Ok((StatusCode::CREATED, Json(blocked)))
}

/// Unblocks a player.
#[utoipa::path(
    delete,
    path = "/{player_id}",
    tag = "blocks",
    params(("player_id" = String, Path, description = "The blocked player's id")),
    security(("session" = []), ("bearer" = [])),
    responses((status = 204, description = "Unblocked")),
)]
async fn unblock(
    State(social): State<Social>,
    caller: Caller,
    session: Session,
    Path(player_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    social.unblock(&caller, &session, &player_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
