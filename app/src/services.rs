//! The server-side services that server functions reach through Leptos context. The server
//! crate implements them; keeping only the interface here keeps `app` free of server internals.

use std::sync::Arc;

use pianorhythm_core::rooms::RoomSummary;

/// Read access to the live rooms.
pub trait RoomDirectory: Send + Sync {
    /// Public rooms, the permanent Lobby first.
    fn public_rooms(&self) -> Vec<RoomSummary>;
}

pub type SharedRoomDirectory = Arc<dyn RoomDirectory>;
