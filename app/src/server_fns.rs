//! Server functions: thin adapters from the UI to the server's services (provided as context).

use leptos::prelude::*;
use pianorhythm_core::rooms::RoomSummary;

/// The public rooms to show in the lobby, the permanent Lobby first.
#[server]
pub async fn list_rooms() -> Result<Vec<RoomSummary>, ServerFnError> {
    let rooms = expect_context::<crate::services::SharedRoomDirectory>();
    Ok(rooms.public_rooms())
}
