//! The live rooms.

use app::services::RoomDirectory;
use pianorhythm_core::rooms::{RoomSummary, LOBBY_ROOM_NAME};

/// Most players the permanent Lobby admits.
pub const LOBBY_MAX_PLAYERS: u32 = 100;

/// The room directory: the permanent Lobby, always present.
#[derive(Default)]
pub struct RoomRegistry;

impl RoomDirectory for RoomRegistry {
    fn public_rooms(&self) -> Vec<RoomSummary> {
        vec![RoomSummary {
            id: "lobby".to_owned(),
            name: LOBBY_ROOM_NAME.to_owned(),
            player_count: 0,
            max_players: LOBBY_MAX_PLAYERS,
            has_password: false,
            owner: None,
        }]
    }
}
