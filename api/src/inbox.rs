//! A member's inbox: conversations of direct messages, and notifications. The REST API answers
//! with the same shapes.

use serde::{Deserialize, Serialize};

/// A direct message, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageForm {
    /// 1 to 2,000 characters, on one line.
    pub text: String,
}

/// The other member of a conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Correspondent {
    /// Their account id, which live messages name.
    pub player_id: String,
    /// The name they show.
    pub username: String,
    /// Their pages are `/user/<usertag>` and `/messages/<usertag>`.
    pub usertag: String,
    /// Their colour, "#rrggbb".
    pub color: String,
    /// Their avatar, from a host the site allows.
    pub avatar_url: Option<String>,
}

/// One message, as a conversation shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: String,
    /// Whether the reader sent it.
    pub mine: bool,
    pub text: String,
    /// Unix ms.
    pub sent_at: i64,
}

/// A page of one conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    /// With whom.
    pub with: Correspondent,
    /// Oldest first: up to 50, the newest ones, or those before the `before` asked for.
    pub messages: Vec<MessageView>,
    /// Whether older messages remain (ask again with the first one's id as `before`).
    pub more: bool,
}

/// One conversation, as the list of conversations shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConversationSummary {
    /// With whom.
    pub with: Correspondent,
    /// The latest message, either way.
    pub last: MessageView,
    /// How many of their messages the reader has not read.
    pub unread: u32,
}

/// A notification, as the notifications page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NotificationView {
    pub id: String,
    /// `friend_request`, `friend_accepted`, `message` or `mention`.
    pub kind: String,
    /// What it says, in words.
    pub text: String,
    /// Where it leads, a path on this site.
    pub link: String,
    /// When it happened, Unix ms.
    pub at: i64,
    /// Whether it had been seen before this listing.
    pub read: bool,
}
