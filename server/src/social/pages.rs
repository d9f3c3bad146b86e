//! [`Social`] as the pages' server functions see it ([`SocialService`]): each call finds the
//! caller and session of the request it serves, then asks the same service the REST API does.

use axum::http::request::Parts;
use pianorhythm_api::{
    inbox::{ConversationPage, ConversationSummary, MessageView, NotificationView},
    services::SocialService,
    social::{BlockForm, BlockedPlayer, FriendView},
};

use super::Social;
use crate::accounts::Accounts;

/// The service with what it takes to know who is asking.
#[derive(Clone)]
pub struct SocialPages {
    /// What players do about each other.
    pub social: Social,
    /// Who is asking, from the request's session.
    pub accounts: Accounts,
}

#[async_trait::async_trait]
impl SocialService for SocialPages {
    async fn blocks(&self, request: &Parts) -> Result<Vec<BlockedPlayer>, String> {
        let (session, caller) = self.accounts.caller_of(request).await?;
        let blocks = self.social.blocks(&caller, &session).await;
        blocks.map_err(|error| error.to_string())
    }

    async fn block(&self, request: &Parts, form: BlockForm) -> Result<BlockedPlayer, String> {
        let (session, caller) = self.accounts.caller_of(request).await?;
        let block = self.social.block(&caller, &session, form).await;
        block.map_err(|error| error.to_string())
    }

    async fn unblock(&self, request: &Parts, player_id: String) -> Result<(), String> {
        let (session, caller) = self.accounts.caller_of(request).await?;
        let unblocked = self.social.unblock(&caller, &session, &player_id).await;
        unblocked.map_err(|error| error.to_string())
    }

    async fn friends(&self, request: &Parts) -> Result<Vec<FriendView>, String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let friends = self.social.friends(&caller).await;
        friends.map_err(|error| error.to_string())
    }

    async fn add_friend(&self, request: &Parts, usertag: String) -> Result<FriendView, String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let added = self.social.add_friend(&caller, &usertag).await;
        added.map_err(|error| error.to_string())
    }

    async fn accept_friend(&self, request: &Parts, usertag: String) -> Result<FriendView, String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let accepted = self.social.accept_friend(&caller, &usertag).await;
        accepted.map_err(|error| error.to_string())
    }

    async fn remove_friend(&self, request: &Parts, usertag: String) -> Result<(), String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let removed = self.social.remove_friend(&caller, &usertag).await;
        removed.map_err(|error| error.to_string())
    }

    async fn conversations(&self, request: &Parts) -> Result<Vec<ConversationSummary>, String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let conversations = self.social.conversations(&caller).await;
        conversations.map_err(|error| error.to_string())
    }

    async fn conversation(
        &self,
        request: &Parts,
        usertag: String,
        before: Option<String>,
    ) -> Result<ConversationPage, String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let page = self
            .social
            .conversation(&caller, &usertag, before.as_deref())
            .await;
        page.map_err(|error| error.to_string())
    }

    async fn read_conversation(&self, request: &Parts, usertag: String) -> Result<(), String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let read = self.social.read_conversation(&caller, &usertag).await;
        read.map_err(|error| error.to_string())
    }

    async fn send_message(
        &self,
        request: &Parts,
        usertag: String,
        text: String,
    ) -> Result<MessageView, String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let sent = self.social.send_message(&caller, &usertag, &text).await;
        sent.map_err(|error| error.to_string())
    }

    async fn notifications(&self, request: &Parts) -> Result<Vec<NotificationView>, String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let notifications = self.social.notifications(&caller).await;
        notifications.map_err(|error| error.to_string())
    }

    async fn read_notifications(&self, request: &Parts) -> Result<(), String> {
        let (_, caller) = self.accounts.caller_of(request).await?;
        let read = self.social.read_notifications(&caller).await;
        read.map_err(|error| error.to_string())
    }
}
