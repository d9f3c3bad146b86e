//! `/api/v1/notifications`: what the caller has been told about. Members only, by session
//! cookie or bearer token.

use axum::{
    extract::State,
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use pianorhythm_api::inbox::NotificationView;

use crate::{accounts::Caller, error::ApiError, http::state::AppState, social::Social};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/read", post(read))
}

async fn list(
    State(social): State<Social>,
    caller: Caller,
) -> Result<Json<Vec<NotificationView>>, ApiError> {
    Ok(Json(social.notifications(&caller).await?))
}

async fn read(State(social): State<Social>, caller: Caller) -> Result<StatusCode, ApiError> {
    social.read_notifications(&caller).await?;
    Ok(StatusCode::NO_CONTENT)
}
