//! Server functions for what players do about each other (blocks, friends, messages,
//! notifications): thin adapters to the server's
//! social service (provided as context), the same one the REST API uses. Fixed endpoints
//! (`/api/<name>`), so API clients and tests can reach them by name.

use leptos::prelude::*;
use pianorhythm_api::{
    inbox::{ConversationPage, ConversationSummary, MessageView, NotificationView},
    social::{BlockForm, BlockedPlayer, FriendView},
};

/// The social service and the request being served.
#[cfg(feature = "ssr")]
fn social() -> (
    pianorhythm_api::services::SharedSocial,
    http::request::Parts,
) {
    (expect_context(), expect_context())
}

/// Whom the caller (member or guest) blocks, newest first.
#[server(endpoint = "list_blocks")]
pub async fn list_blocks() -> Result<Vec<BlockedPlayer>, ServerFnError> {
    let (social, request) = social();
    social.blocks(&request).await.map_err(ServerFnError::new)
}

/// Blocks a player: their notes and chat no longer reach the caller.
#[server(endpoint = "block_player")]
pub async fn block_player(form: BlockForm) -> Result<BlockedPlayer, ServerFnError> {
    let (social, request) = social();
    social
        .block(&request, form)
        .await
        .map_err(ServerFnError::new)
}

/// Unblocks a player.
#[server(endpoint = "unblock_player")]
pub async fn unblock_player(player_id: String) -> Result<(), ServerFnError> {
    let (social, request) = social();
    social
        .unblock(&request, player_id)
        .await
        .map_err(ServerFnError::new)
}

/// Members: their friends (with where they are) and requests either way, newest first.
#[server(endpoint = "list_friends")]
pub async fn list_friends() -> Result<Vec<FriendView>, ServerFnError> {
    let (social, request) = social();
    social.friends(&request).await.map_err(ServerFnError::new)
}

/// Members: asks the member `usertag` to be friends, or accepts their request.
#[server(endpoint = "add_friend")]
pub async fn add_friend(usertag: String) -> Result<FriendView, ServerFnError> {
    let (social, request) = social();
    social
        .add_friend(&request, usertag)
        .await
        .map_err(ServerFnError::new)
}

/// Members: accepts the friend request of the member `usertag`.
#[server(endpoint = "accept_friend")]
pub async fn accept_friend(usertag: String) -> Result<FriendView, ServerFnError> {
    let (social, request) = social();
    social
        .accept_friend(&request, usertag)
        .await
        .map_err(ServerFnError::new)
}

/// Members: removes a friend, or withdraws or declines a request.
#[server(endpoint = "remove_friend")]
pub async fn remove_friend(usertag: String) -> Result<(), ServerFnError> {
    let (social, request) = social();
    social
        .remove_friend(&request, usertag)
        .await
        .map_err(ServerFnError::new)
}

/// Members: their conversations, the latest first.
#[server(endpoint = "list_conversations")]
pub async fn list_conversations() -> Result<Vec<ConversationSummary>, ServerFnError> {
    let (social, request) = social();
    social
        .conversations(&request)
        .await
        .map_err(ServerFnError::new)
}

/// Members: up to 50 messages with the member `usertag`, oldest first; older ones than the
/// message `before` when given.
#[server(endpoint = "read_conversation_page")]
pub async fn conversation_messages(
    usertag: String,
    before: Option<String>,
) -> Result<ConversationPage, ServerFnError> {
    let (social, request) = social();
    social
        .conversation(&request, usertag, before)
        .await
        .map_err(ServerFnError::new)
}

/// Members: marks what the member `usertag` sent the caller read.
#[server(endpoint = "mark_conversation_read")]
pub async fn mark_conversation_read(usertag: String) -> Result<(), ServerFnError> {
    let (social, request) = social();
    social
        .read_conversation(&request, usertag)
        .await
        .map_err(ServerFnError::new)
}

/// Members: sends the member `usertag` a direct message.
#[server(endpoint = "send_message")]
pub async fn send_message(usertag: String, text: String) -> Result<MessageView, ServerFnError> {
    let (social, request) = social();
    social
        .send_message(&request, usertag, text)
        .await
        .map_err(ServerFnError::new)
}

/// Members: their notifications, newest first.
#[server(endpoint = "list_notifications")]
pub async fn list_notifications() -> Result<Vec<NotificationView>, ServerFnError> {
    let (social, request) = social();
    social
        .notifications(&request)
        .await
        .map_err(ServerFnError::new)
}

/// Members: marks every notification read.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), ServerFnError> {
    let (social, request) = social();
    social
        .read_notifications(&request)
        .await
        .map_err(ServerFnError::new)
}
