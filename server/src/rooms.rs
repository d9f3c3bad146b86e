//! The room engine. Each room is an actor: one task owns its state and handles the commands
//! its channel brings, one at a time, so no room state is ever shared or locked. The
//! [`Registry`] finds rooms by name or id and publishes the lobby's room list.

mod command;
mod error;
mod registry;
mod room;
mod settings;

pub use command::{ConnectionId, Origin, RoomCommand, RoomHandle};
pub use error::RoomError;
pub use registry::{Registry, RoomsConfig};
pub use settings::RoomSettings;
