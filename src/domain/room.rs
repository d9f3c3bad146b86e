//! A user room as stored, so that it outlives a restart: its settings, owner and bans.
//! (The Lobby is permanent and fixed, so only its chat is stored.)

use strum::{EnumString, IntoStaticStr};

use crate::domain::{match_key, room_settings::RoomSettings, UnixMillis};

#[derive(Clone, Debug, PartialEq)]
pub struct StoredRoom {
    pub id: String,
    pub settings: RoomSettings,
    pub owner_id: Option<String>,
    pub bans: Vec<RoomBan>,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RoomBan {
    pub participant_id: String,
    /// Server time (ms since the epoch) the ban ends.
    pub until_ms: f64,
}

/// Whether the room shows in the public list; stored as the seed's `type` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, IntoStaticStr, EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum RoomType {
    Public,
    Private,
}

stored_names!(RoomType);

impl StoredRoom {
    pub fn room_type(&self) -> RoomType {
        if self.settings.private {
            RoomType::Private
        } else {
            RoomType::Public
        }
    }

    /// The key rooms are found by: names are unique among live rooms ignoring case.
    pub fn name_key(&self) -> String {
        match_key(&self.settings.name)
    }

    /// Bans still in force at `now_ms`.
    pub fn active_bans(&self, now_ms: f64) -> impl Iterator<Item = &RoomBan> {
        self.bans.iter().filter(move |ban| ban.until_ms > now_ms)
    }
}
