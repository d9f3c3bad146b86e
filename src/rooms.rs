//! Room data that the server publishes and the client renders.

use serde::{Deserialize, Serialize};

/// Name of the permanent room every player lands in; it has no owner and cannot be changed.
pub const LOBBY_ROOM_NAME: &str = "Lobby";

/// One line of the lobby's room list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoomSummary {
    pub id: String,
    pub name: String,
    pub player_count: u32,
    pub max_players: u32,
    pub has_password: bool,
    /// Display name of the room's owner; `None` for the Lobby and ownerless rooms.
    pub owner: Option<String>,
}
