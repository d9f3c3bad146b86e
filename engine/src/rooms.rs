//! The room engine. Each room is an actor: one task owns its state and handles the commands
//! its channel brings, one at a time, so no room state is ever shared or locked.
//!
//! - `cluster`: where rooms live across instances, as traits the cluster crate implements
//! - `command`: what connections ask of a room, and the handle they ask through
//! - `directory`: the live rooms by id and by name, and what the lobby shows of each
//! - `error`: why a room refused, as protocol error codes
//! - `journal`: a room's writes to the store, off its actor, through [`RoomRecords`]
//! - `password`: room passwords as argon2 hashes
//! - `records`: what rooms keep in the store, as a trait the store implements
//! - `registry`: creating, restoring, finding and adopting rooms, here or through the cluster
//! - `room`: one room's state and rules
//! - `room_list`: the lobby's room list, pushed to those who show it
//! - `sandbox`: one room driven without a server, for tests and fuzzing

pub mod cluster;
mod command;
mod directory;
mod error;
mod journal;
pub mod password;
mod records;
mod registry;
mod room;
mod room_list;
#[cfg(any(test, feature = "sandbox"))]
pub mod sandbox;

pub use cluster::{Claim, Cluster, RemoteRoom, Whereabouts};
pub use command::{
    ConnectionId, Origin, PasswordChange, RoomCommand, RoomHandle, JOIN_ANSWER_TIMEOUT,
};
pub use error::RoomError;
pub use pianorhythm_core::domain::room_settings::RoomSettings;
pub use records::{MemoryRecords, RoomRecords};
pub use registry::{Registry, RoomsConfig};
