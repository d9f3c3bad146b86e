//! Creating and entering rooms through the REST API (the seed's `rooms/create`,
//! `rooms/{id}/join` and `rooms/{id}/leave`); the rooms themselves are listed as the protocol's
//! `RoomSummary`.

use serde::{Deserialize, Serialize};

/// A new room, as asked for: the same rules as creating one over the WebSocket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreateRoomForm {
    /// Its name: unique among live rooms, ignoring case and look-alike letters.
    pub name: String,
    /// Kept out of the room list; found by name only.
    #[serde(default)]
    pub private: bool,
    /// Asked of everyone but the owner; none when absent or empty.
    #[serde(default)]
    pub password: Option<String>,
    /// How many players it holds; the site's default when absent.
    #[serde(default)]
    pub max_players: Option<u32>,
}

impl CreateRoomForm {
    /// The settings the room is created with.
    pub fn into_settings(self) -> pianorhythm_core::protocol::RoomSettingsUpdate {
        pianorhythm_core::protocol::RoomSettingsUpdate {
            name: Some(self.name),
            private: Some(self.private),
            password: self.password,
            max_players: self.max_players,
            ..Default::default()
        }
    }
}

/// Asking to enter a room.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JoinRoomForm {
    /// The room's password, if it has one.
    #[serde(default)]
    pub password: Option<String>,
}

/// A ticket into a room: opening `/ws?v=1&ticket=<ticket>` as the same player enters it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RoomTicket {
    /// The ticket, to pass as the `ticket` query parameter.
    pub ticket: String,
    /// Seconds it is good for.
    pub expires_in: u64,
}
