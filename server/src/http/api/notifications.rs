//! `/api/v1/notifications`: what the caller has been told about. Members only, by session
//! cookie or bearer token.

use axum::{extract::State, http::StatusCode, Json};
use pianorhythm_api::inbox::NotificationView;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{accounts::Caller, error::ApiError, http::state::AppState, social::Social};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read))
}

/// The caller's notifications, newest first.
#[utoipa::path(
    get,
    path = "",
    tag = "notifications",
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "The notifications", body = Vec<NotificationView>)),
)]
async fn list(
    State(social): State<Social>,
    caller: Caller,
) -> Result<Json<Vec<NotificationView>>, ApiError> {
    Ok(Json(social.notifications(&caller).await?))
}

/// Marks every notification read.
#[utoipa::path(
    post,
    path = "/read",
    tag = "notifications",
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 204, description = "Read")),
)]
async fn read(State(social): State<Social>, caller: Caller) -> Result<StatusCode, ApiError> {
    social.read_notifications(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}
