//! `/api/v1/messages`: the caller's conversations and direct messages. Members only, by
//! session cookie or bearer token.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    Json,
};
use pianorhythm_api::inbox::{ConversationPage, ConversationSummary, MessageForm, MessageView};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{JsonBody, QueryParams};
use crate::{accounts::Caller, error::ApiError, http::state::AppState, social::Social};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(conversations))
        .routes(routes!(conversation, send))
        .routes(routes!(read))
}

/// Which page of a conversation.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageParams {
    /// Messages older than this one's id; none: the newest.
    before: Option<String>,
}

/// The caller's conversations, the latest first, each with its last message.
#[utoipa::path(
    get,
    path = "",
    tag = "messages",
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "The conversations", body = Vec<ConversationSummary>)),
)]
async fn conversations(
    State(social): State<Social>,
    caller: Caller,
) -> Result<Json<Vec<ConversationSummary>>, ApiError> {
    Ok(Json(social.conversations(&caller).await?))
}

/// A page of the conversation with a member, newest messages first.
#[utoipa::path(
    get,
    path = "/{usertag}",
    tag = "messages",
    params(("usertag" = String, Path, description = "The other member's usertag"), PageParams),
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 200, description = "The page", body = ConversationPage)),
)]
async fn conversation(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
    QueryParams(page): QueryParams<PageParams>,
) -> Result<Json<ConversationPage>, ApiError> {
    let before = page.before.as_deref();
    Ok(Json(social.conversation(&caller, &usertag, before).await?))
}

/// Sends a member a direct message.
#[utoipa::path(
    post,
    path = "/{usertag}",
    tag = "messages",
    params(("usertag" = String, Path, description = "The other member's usertag")),
    request_body = MessageForm,
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 201, description = "Sent", body = MessageView)),
)]
async fn send(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
    JsonBody(form): JsonBody<MessageForm>,
) -> Result<(StatusCode, Json<MessageView>), ApiError> {
    let message = social.send_message(&caller, &usertag, &form.text).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Marks the conversation with a member read.
#[utoipa::path(
    post,
    path = "/{usertag}/read",
    tag = "messages",
    params(("usertag" = String, Path, description = "The other member's usertag")),
    security(("session" = ["member"]), ("bearer" = ["member"])),
    responses((status = 204, description = "Read")),
)]
async fn read(
    State(social): State<Social>,
    caller: Caller,
    Path(usertag): Path<String>,
) -> Result<StatusCode, ApiError> {
    social.read_conversation(&caller, &usertag).await?;
    Ok(StatusCode::NO_CONTENT)
}
