//! The room engine. Each room is an actor: one task owns its state and handles the commands
//! its channel brings, one at a time, so no room state is ever shared or locked. The
//! [`Registry`] finds rooms by name or id and publishes the lobby's room list.

mod command;
mod error;
mod journal;
mod registry;
mod room;

pub use command::{ConnectionId, Origin, RoomCommand, RoomHandle};
pub use error::RoomError;
pub use pianorhythm_core::domain::room_settings::RoomSettings;
pub use registry::{Registry, RoomsConfig};
