//! `/api/v1/blocks`: whom the caller blocks. A member's list (with the session cookie or a
//! bearer token) is on the account; a guest's, in their session.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, get},
    Json, Router,
};
use pianorhythm_api::social::{BlockForm, BlockedPlayer};
use tower_sessions::Session;

use crate::{accounts::Caller, error::ApiError, http::state::AppState, social::Social};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(block))
        .route("/{player_id}", delete(unblock))
}

async fn list(
    State(social): State<Social>,
    caller: Caller,
    session: Session,
) -> Result<Json<Vec<BlockedPlayer>>, ApiError> {
    Ok(Json(social.blocks(&caller, &session).await?))
}

async fn block(
    State(social): State<Social>,
    caller: Caller,
    session: Session,
    Json(form): Json<BlockForm>,
) -> Result<(StatusCode, Json<BlockedPlayer>), ApiError> {
    let blocked = social.block(&caller, &session, form).await?;
    Ok((StatusCode::CREATED, Json(blocked)))
}

async fn unblock(
    State(social): State<Social>,
    caller: Caller,
    session: Session,
    Path(player_id): Path<String>,
) -> Result<StatusCode, ApiError> {
    social.unblock(&caller, &session, &player_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
