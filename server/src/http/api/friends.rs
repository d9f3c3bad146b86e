//! `/api/v1/friends`: the caller's friends (with where they are) and friend requests. Members
//! only, by session cookie or bearer token.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use pianorhythm_api::social::{FriendRequest, FriendView};

use crate::{accounts::Caller, error::ApiError, http::state::AppState, social::Social};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(add))
        .route("/{usertag}", axum::routing::delete(remove))
        .route("/{usertag}/accept", post(accept))
}

async fn list(
    State(social): State<Social>,
    caller: Caller,
) -> Result<Json<Vec<FriendView>>, ApiError> {
    Ok(Json(social.friends(&caller).await?))
}

async fn add(
    State(social): State<Social>,
    caller: Caller,
    Json(request): Json<FriendRequest>,
) -> Result<(StatusCode, Json<FriendView>), ApiError> {
    let friend = social.add_friend(&caller, &request.usertag).await?;
    Ok((StatusCode::CREATED, Json(friend)))
}

async fn accept(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
) -> Result<Json<FriendView>, ApiError> {
    Ok(Json(social.accept_friend(&caller, &usertag).await?))
}

async fn remove(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
) -> Result<StatusCode, ApiError> {
    social.remove_friend(&caller, &usertag).await?;
    Ok(StatusCode::NO_CONTENT)
}
