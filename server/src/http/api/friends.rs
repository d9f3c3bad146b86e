//! `/api/v1/friends`: the caller's friends (with where they are) and friend requests. Members
//! only, by session cookie or bearer token.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use pianorhythm_api::social::{FriendRequest, FriendView};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::JsonBody;
use crate::{accounts::Caller, error::ApiError, http::state::AppState, social::Social};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, add))
        .routes(routes!(remove))
        .routes(routes!(accept))
}

/// The caller's friends and friend requests, with where each friend is.
#[utoipa::path(
    get,
    path = "",
    tag = "friends",
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "Friends and requests", body = Vec<FriendView>)),
)]
async fn list(
    State(social): State<Social>,
    caller: Caller,
) -> Result<Json<Vec<FriendView>>, ApiError> {
    Ok(Json(social.friends(&caller).await?))
}

/// Asks a member to be friends (or accepts their request).
#[utoipa::path(
    post,
    path = "",
    tag = "friends",
    request_body = FriendRequest,
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 201, description = "Asked, or friends now", body = FriendView)),
)]
async fn add(
    State(social): State<Social>,
    caller: Caller,
    JsonBody(request): JsonBody<FriendRequest>,
) -> Result<(StatusCode, Json<FriendView>), ApiError> {
    let friend = social.add_friend(&caller, &request.usertag).await?;
    Ok((StatusCode::CREATED, Json(friend)))
}

/// Accepts a member's friend request.
#[utoipa::path(
    post,
    path = "/{usertag}/accept",
    tag = "friends",
    params(("usertag" = String, Path, description = "The other member's usertag")),
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "Friends now", body = FriendView)),
)]
async fn accept(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
) -> Result<Json<FriendView>, ApiError> {
    Ok(Json(social.accept_friend(&caller, &usertag).await?))
}

/// Ends a friendship, or withdraws or declines a request.
#[utoipa::path(
    delete,
    path = "/{usertag}",
    tag = "friends",
    params(("usertag" = String, Path, description = "The other member's usertag")),
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 204, description = "Removed")),
)]
async fn remove(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
) -> Result<StatusCode, ApiError> {
    social.remove_friend(&caller, &usertag).await?;
    Ok(StatusCode::NO_CONTENT)
}
