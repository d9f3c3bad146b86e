//! Room data and limits shared by the server and the client.

/// Name of the permanent room every player can land in; it has no owner and cannot be changed.
pub const LOBBY_ROOM_NAME: &str = "Lobby";
pub const LOBBY_ROOM_ID: &str = "lobby";
/// The Lobby admits more players than a user room may.
pub const LOBBY_MAX_PLAYERS: u32 = 100;

pub const MAX_ROOM_NAME_CHARS: usize = 50;
pub const DEFAULT_MAX_PLAYERS: u32 = 16;
/// Highest `max players` an owner may set.
pub const MAX_PLAYERS_LIMIT: u32 = 50;

/// Notes per second a player may send by default (MPP's normal quota is about the same).
pub const DEFAULT_NOTE_RATE: u32 = 100;
/// Highest note rate an owner may set, for "black MIDI" rooms.
pub const MAX_NOTE_RATE: u32 = 20_000;
/// Seconds of notes a player may send at once after a pause.
pub const NOTE_BURST_SECONDS: u32 = 3;
/// Chat messages history kept per room and sent to players who join.
pub const CHAT_HISTORY_LEN: usize = 50;

/// One line of the lobby's room list, as the protocol pushes it and the REST API and server
/// functions return it (as JSON: `{id, name, playerCount, maxPlayers, hasPassword, owner,
/// createdAt}`).
pub use crate::protocol::RoomSummary;

/// The room list's own order: the Lobby first, then the busiest, then by name ignoring case.
/// The server lists rooms so, and the lobby page's "Players" order is this one.
pub fn busiest_first(a: &RoomSummary, b: &RoomSummary) -> std::cmp::Ordering {
    lobby_first(a, b)
        .then(b.player_count.cmp(&a.player_count))
        .then_with(|| by_name(a, b))
}

/// The Lobby before every other room.
pub fn lobby_first(a: &RoomSummary, b: &RoomSummary) -> std::cmp::Ordering {
    (b.id == LOBBY_ROOM_ID).cmp(&(a.id == LOBBY_ROOM_ID))
}

/// By name, ignoring case.
pub fn by_name(a: &RoomSummary, b: &RoomSummary) -> std::cmp::Ordering {
    a.name.to_lowercase().cmp(&b.name.to_lowercase())
}
