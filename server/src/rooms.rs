//! The room engine. Each room is an actor: one task owns its state and handles the commands
//! its channel brings, one at a time, so no room state is ever shared or locked.
//!
//! - `command`: what connections ask of a room, and the handle they ask through
//! - `directory`: the live rooms by id and by name, and what the lobby shows of each
//! - `error`: why a room refused, as protocol error codes
//! - `journal`: a room's writes to the store, off its actor
//! - `password`: room passwords as argon2 hashes
//! - `placement`: with a bus, where each room lives and its name, shared in Redis
//! - `registry`: creating, restoring, finding and adopting rooms
//! - `remote`: rooms held by another instance, reached over the bus
//! - `room`: one room's state and rules
//! - `room_list`: the lobby's room list, pushed to those who show it
//! - `sandbox`: one room driven without a server, for tests and fuzzing

mod command;
mod directory;
mod error;
mod journal;
pub mod password;
pub mod placement;
mod registry;
pub mod remote;
mod room;
mod room_list;
#[cfg(any(test, feature = "sandbox"))]
pub mod sandbox;

pub use command::{ConnectionId, Origin, PasswordChange, RoomCommand, RoomHandle};
pub use error::RoomError;
pub use pianorhythm_core::domain::room_settings::RoomSettings;
pub use registry::{Cluster, Registry, RoomsConfig};
