//! Players among themselves: whom a player blocks, friends and where they are. The REST API
//! answers with the same shapes.

use serde::{Deserialize, Serialize};

/// A block, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BlockForm {
    /// Whom: their participant id (an account id, or a guest's id).
    pub player_id: String,
    /// The name they show, for the list; a member's own name is taken instead.
    #[serde(default)]
    pub name: String,
}

/// A blocked player, as the blocker's list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BlockedPlayer {
    /// Their participant id, for "Unblock".
    pub player_id: String,
    /// The name they showed when blocked.
    pub name: String,
    /// When they were blocked, Unix ms.
    pub blocked_at: i64,
}

/// "Add friend", as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FriendRequest {
    /// Whom: the member's usertag.
    pub usertag: String,
}

/// A friend, or a friend request either way, as the friends list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FriendView {
    /// Their account id, which presence updates name.
    pub player_id: String,
    /// The name they show.
    pub username: String,
    /// Their page is `/user/<usertag>`.
    pub usertag: String,
    /// Their colour, "#rrggbb".
    pub color: String,
    /// `friends`, `sent` (asked, waiting for them) or `received` (they asked).
    pub status: String,
    /// When asked, or when they became friends.
    pub since: i64,
    /// Friends only: where they are now.
    pub presence: Option<PresenceView>,
}

/// Where a friend is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PresenceView {
    /// `offline`, `online` or `in_room`.
    pub state: String,
    /// In a room the lobby lists: its name, for "In <room>" and its "Join" link.
    pub room_name: Option<String>,
    /// Offline: when they were last connected, Unix ms.
    pub last_seen: Option<i64>,
}

impl From<pianorhythm_core::protocol::Presence> for PresenceView {
    fn from(presence: pianorhythm_core::protocol::Presence) -> Self {
        use pianorhythm_core::protocol::presence::State;
        let state = match presence.state() {
            State::Offline => "offline",
            State::Online => "online",
            State::InRoom => "in_room",
        };
        Self {
            state: state.to_owned(),
            room_name: (!presence.room_name.is_empty()).then_some(presence.room_name),
            last_seen: (presence.last_seen > 0).then_some(presence.last_seen),
        }
    }
}
