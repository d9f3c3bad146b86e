//! Where rooms live when several instances serve them, as the traits the registry asks:
//! [`Cluster`] (where each room lives, its name across instances) and [`RemoteRoom`] (a room
//! held elsewhere). [`Cluster`] also carries the other things the engine asks of the other
//! instances: ending a player's connections there (a site ban, changed roles), telling them
//! of a new block list, sending frames to players wherever they are, and whether they can be
//! reached. The cluster crate implements them over Redis; for one instance alone, [`Solo`]
//! answers that every room is here and every name free unless a room here has it, so the
//! registry never asks whether there is a cluster.

use std::{fmt::Debug, sync::Arc};

use async_trait::async_trait;
use bytes::Bytes;

use super::{RoomCommand, RoomError};
use crate::{blocks::BlockedPlayers, outbox::Goodbye, solo::Solo};

/// Where a claim left a room.
pub enum Claim {
    /// This instance holds it now.
    Here,
    /// A live instance held it already.
    Elsewhere(Arc<dyn RemoteRoom>),
}

/// Where a room not held here is.
pub enum Whereabouts {
    /// No instance holds it: closed, or not shared again yet (after Redis restarted), or it
    /// was this instance's own and is closing.
    Nowhere,
    /// A live instance holds it.
    Elsewhere(Arc<dyn RemoteRoom>),
    /// Its home has gone: the first live instance to claim it adopts it.
    Orphaned,
}

/// Where rooms live and how to reach the others. Failures are logged by the implementation
/// and answered as [`RoomError::Unavailable`].
#[async_trait]
pub trait Cluster: Send + Sync {
    /// Claims the room for this instance unless a live instance holds it.
    async fn claim(&self, room_id: &str) -> Result<Claim, RoomError>;
    /// Where a room this instance does not hold is.
    async fn whereabouts(&self, room_id: &str) -> Result<Whereabouts, RoomError>;
    /// The id of the live room with this name key, wherever it is.
    async fn room_named(&self, name_key: &str) -> Result<Option<String>, RoomError>;
    /// Reserves a name for a room across instances; `false` if another room has it.
    async fn reserve_name(&self, name_key: &str, room_id: &str) -> Result<bool, RoomError>;
    /// Gives up a closing room and its name.
    async fn release(&self, room_id: &str, name_key: &str) -> Result<(), RoomError>;
    /// Forgets a room gone from the store, wherever it was said to live.
    async fn forget(&self, room_id: &str);
    /// The rooms other instances hold, by id.
    async fn rooms_elsewhere(&self) -> Result<Vec<(String, Arc<dyn RemoteRoom>)>, RoomError>;
    /// Ends a player's connections on the other instances (a site ban, changed roles).
    fn close_player_elsewhere(&self, player: &str, why: Goodbye);
    /// Tells a player's connections on the other instances that their block list changed.
    fn blocks_elsewhere(&self, player: &str, blocked: &BlockedPlayers);
    /// Asks a player's connections on the other instances to leave a room.
    fn leave_room_elsewhere(&self, player: &str, room_id: &str);
    /// Sends a frame to these players' connections on the other instances.
    fn tell_players_elsewhere(&self, players: &[String], frame: &Bytes);
    /// Tells these players' connections on the other instances that their friends changed.
    fn friends_changed_elsewhere(&self, players: &[String]);
    /// Tells a player's connections on the other instances, but `except`, that their profile
    /// changed.
    fn profile_changed_elsewhere(&self, player: &str, except: Option<u64>);
    /// Whether the link to the other instances works now, for readiness checks.
    async fn reachable(&self) -> Result<(), String>;
    /// Says this instance is leaving, so the others may take its rooms over at once.
    async fn depart(&self) -> Result<(), RoomError>;
}

/// A room held by another instance.
#[async_trait]
pub trait RemoteRoom: Send + Sync + Debug {
    /// The instance holding the room.
    fn home(&self) -> &Arc<str>;
    /// Sends a command to the room; fails only once the link to its instance is closed.
    async fn send(&self, room_id: &str, command: RoomCommand) -> Result<(), RoomError>;
}

#[async_trait]
impl Cluster for Solo {
    async fn claim(&self, _: &str) -> Result<Claim, RoomError> {
        Ok(Claim::Here)
    }

    async fn whereabouts(&self, _: &str) -> Result<Whereabouts, RoomError> {
        Ok(Whereabouts::Nowhere)
    }

    async fn room_named(&self, _: &str) -> Result<Option<String>, RoomError> {
        Ok(None)
    }

    async fn reserve_name(&self, _: &str, _: &str) -> Result<bool, RoomError> {
        // The directory keeps names unique among the rooms here.
        Ok(true)
    }

    async fn release(&self, _: &str, _: &str) -> Result<(), RoomError> {
        Ok(())
    }

    async fn forget(&self, _: &str) {}

    async fn rooms_elsewhere(&self) -> Result<Vec<(String, Arc<dyn RemoteRoom>)>, RoomError> {
        Ok(Vec::new())
    }

    fn close_player_elsewhere(&self, _: &str, _: Goodbye) {}

    fn blocks_elsewhere(&self, _: &str, _: &BlockedPlayers) {}

    fn leave_room_elsewhere(&self, _: &str, _: &str) {}

    fn tell_players_elsewhere(&self, _: &[String], _: &Bytes) {}

    fn friends_changed_elsewhere(&self, _: &[String]) {}

    fn profile_changed_elsewhere(&self, _: &str, _: Option<u64>) {}

    async fn reachable(&self) -> Result<(), String> {
        Ok(())
    }

    async fn depart(&self) -> Result<(), RoomError> {
        Ok(())
    }
}
