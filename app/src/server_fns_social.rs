//! Server functions for what players do about each other: thin adapters to the server's
//! social service (provided as context), the same one the REST API uses. Fixed endpoints
//! (`/api/<name>`), so API clients and tests can reach them by name.

use leptos::prelude::*;
use pianorhythm_api::social::{BlockForm, BlockedPlayer, FriendView};

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
