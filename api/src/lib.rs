//! What the REST API, the pages' server functions and the pages exchange: plain data, the same
//! on both sides of the wire, in a crate that both the server and the browser build use (so
//! the server needs the UI crate only for the pages it renders).
//!
//! - `account`: the signed-in player, profiles, settings and form errors
//! - `inbox`: direct messages and their conversations, and notifications
//! - `rooms`: creating and entering rooms through the REST API
//! - `sheets`: sheet music as listed, searched, edited and played, and a room's recordings
//! - `social`: players among themselves: blocks, friends and their presence
//! - `staff`: players' reports, and what the staff pages read (reports, audit log, bans)
//! - `when`: stored times as the pages show them
//! - `services` (feature `server`): the services the server gives the pages' server functions

pub mod account;
pub mod inbox;
pub mod rooms;
#[cfg(feature = "server")]
pub mod services;
pub mod sheets;
pub mod social;
pub mod staff;
pub mod when;
