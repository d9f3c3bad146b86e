//! What a room's page runs only now and then, fetched with the room's occasional tools
//! (`sheets::module`) when first needed: most visits never use them.
//!
//! - `commands`: the chat's commands (`/help`, `/nick`, `/mute`, ...)
//! - `moderation`: the owner's and staff's buttons on a player in the room's list

pub mod commands;
pub mod moderation;
