//! `/api/v1/messages`: the caller's conversations and direct messages. Members only, by
//! session cookie or bearer token.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use pianorhythm_api::inbox::{ConversationPage, ConversationSummary, MessageForm, MessageView};
use serde::Deserialize;

use crate::{accounts::Caller, error::ApiError, http::state::AppState, social::Social};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(conversations))
        .route("/{usertag}", get(conversation).post(send))
        .route("/{usertag}/read", post(read))
}

/// Which page of a conversation.
#[derive(Deserialize)]
struct PageParams {
    /// Messages older than this one's id; none: the newest.
    before: Option<String>,
}

async fn conversations(
    State(social): State<Social>,
    caller: Caller,
) -> Result<Json<Vec<ConversationSummary>>, ApiError> {
    Ok(Json(social.conversations(&caller).await?))
}

async fn conversation(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
    Query(page): Query<PageParams>,
) -> Result<Json<ConversationPage>, ApiError> {
    let before = page.before.as_deref();
    Ok(Json(social.conversation(&caller, &usertag, before).await?))
}

async fn send(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
    Json(form): Json<MessageForm>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let message = social.send_message(&caller, &usertag, &form.text).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

async fn read(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
) -> Result<StatusCode, ApiError> {
    social.read_conversation(&caller, &usertag).await?;
    Ok(StatusCode::NO_CONTENT)
}
