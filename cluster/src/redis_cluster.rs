//! The engine's [`Cluster`] over Redis: where rooms live ([`Placement`]), reaching those held
//! elsewhere ([`Remotes`]) and telling every instance things ([`Bus`]).

use std::sync::Arc;

use async_trait::async_trait;
use pianorhythm_engine::{
    blocks::BlockedPlayers,
    outbox::Goodbye,
    rooms::{Claim, Cluster, RemoteRoom, RoomError, Whereabouts},
};

use crate::{
    bus::{wire, Bus},
    placement::Placement,
    remote::{self, Remotes},
};

/// This instance among those sharing one Redis.
#[derive(Clone)]
pub struct RedisCluster {
    /// Where every room lives, and who is alive.
    pub placement: Placement,
    /// The queues to the other instances, and the joins waiting on them.
    pub remotes: Remotes,
    /// Broadcasts to every instance.
    pub bus: Bus,
}

/// Logs a Redis failure and answers it as the engine's "unavailable".
fn unavailable(doing: &'static str) -> impl FnOnce(redis::RedisError) -> RoomError {
    move |error| {
        tracing::warn!(%error, "cannot {doing} on the bus");
        RoomError::Unavailable("the other servers cannot be reached right now; try again")
    }
}

impl RedisCluster {
    /// The room `room_id` as held by `home`: here (`None`) or a handle to reach it.
    fn held_by(&self, home: &str) -> Option<Arc<dyn RemoteRoom>> {
        (home != &**self.placement.here()).then(|| self.remotes.room(home))
    }
}

#[async_trait]
impl Cluster for RedisCluster {
    async fn claim(&self, room_id: &str) -> Result<Claim, RoomError> {
        let home = self
            .placement
            .claim(room_id)
            .await
            .map_err(unavailable("claim a room"))?;
        Ok(match self.held_by(&home) {
            None => Claim::Here,
            Some(room) => Claim::Elsewhere(room),
        })
    }

    async fn whereabouts(&self, room_id: &str) -> Result<Whereabouts, RoomError> {
        let home = self
            .placement
            .home(room_id)
            .await
            .map_err(unavailable("look a room up"))?;
        // No home, or this instance's own when it is not here any more (closing).
        let Some(room) = home.as_deref().and_then(|home| self.held_by(home)) else {
            return Ok(Whereabouts::Nowhere);
        };
        let alive = self
            .placement
            .alive(&[room.home().to_string()])
            .await
            .map_err(unavailable("look a room up"))?;
        Ok(match alive.as_slice() {
            [true] => Whereabouts::Elsewhere(room),
            _ => Whereabouts::Orphaned,
        })
    }

    async fn room_named(&self, name_key: &str) -> Result<Option<String>, RoomError> {
        self.placement
            .room_named(name_key)
            .await
            .map_err(unavailable("look a room up"))
    }

    async fn reserve_name(&self, name_key: &str, room_id: &str) -> Result<bool, RoomError> {
        self.placement
            .reserve_name(name_key, room_id)
            .await
            .map_err(unavailable("reserve a room name"))
    }

    async fn release(&self, room_id: &str, name_key: &str) -> Result<(), RoomError> {
        self.placement
            .release(room_id, name_key)
            .await
            .map_err(unavailable("let go of a room"))
    }

    async fn forget(&self, room_id: &str) {
        if let Ok(Some(home)) = self.placement.home(room_id).await {
            let _ = self.placement.release_for(room_id, "", &home).await;
        }
    }

    async fn rooms_elsewhere(&self) -> Result<Vec<(String, Arc<dyn RemoteRoom>)>, RoomError> {
        let snapshot = self
            .placement
            .snapshot()
            .await
            .map_err(unavailable("read where rooms live"))?;
        Ok(snapshot
            .homes
            .into_iter()
            .filter_map(|(id, home)| Some((id, self.held_by(&home)?)))
            .collect())
    }

    fn close_player_elsewhere(&self, player: &str, why: Goodbye) {
        let player = player.to_owned();
        let kind = match why {
            Goodbye::RolesChanged => wire::item::Kind::RolesChanged(player),
            Goodbye::BannedFromSite | Goodbye::ServerRestarting => {
                wire::item::Kind::ClosePlayer(player)
            }
        };
        let close = wire::Item { kind: Some(kind) };
        let bus = self.bus.clone();
        tokio::spawn(async move {
            if let Err(error) = bus.broadcast(vec![close]).await {
                tracing::warn!(%error, "cannot end a player's connections elsewhere");
            }
        });
    }

    fn blocks_elsewhere(&self, player: &str, blocked: &BlockedPlayers) {
        let kind = wire::item::Kind::PlayerBlocks(wire::PlayerBlocks {
            player_id: player.to_owned(),
            blocks: Some(remote::blocks_on_the_wire(blocked)),
        });
        let bus = self.bus.clone();
        tokio::spawn(async move {
            if let Err(error) = bus.broadcast(vec![wire::Item { kind: Some(kind) }]).await {
                tracing::warn!(%error, "cannot tell a player's connections elsewhere of their blocks");
            }
        });
    }

    fn leave_room_elsewhere(&self, player: &str, room_id: &str) {
        let kind = wire::item::Kind::PlayerLeaves(wire::PlayerLeaves {
            player_id: player.to_owned(),
            room_id: room_id.to_owned(),
        });
        let bus = self.bus.clone();
        tokio::spawn(async move {
            if let Err(error) = bus.broadcast(vec![wire::Item { kind: Some(kind) }]).await {
                tracing::warn!(%error, "cannot take a player's connections elsewhere out of a room");
            }
        });
    }

    fn friends_changed_elsewhere(&self, players: &[String]) {
        let kind = wire::item::Kind::FriendsChanged(wire::FriendsChanged {
            players: players.to_vec(),
        });
        let bus = self.bus.clone();
        tokio::spawn(async move {
            if let Err(error) = bus.broadcast(vec![wire::Item { kind: Some(kind) }]).await {
                tracing::warn!(%error, "cannot tell players' connections elsewhere of their friends");
            }
        });
    }

    fn profile_changed_elsewhere(&self, player: &str, except: Option<u64>) {
        let kind = wire::item::Kind::ProfileChanged(wire::ProfileChanged {
            player_id: player.to_owned(),
            except,
        });
        let bus = self.bus.clone();
        tokio::spawn(async move {
            if let Err(error) = bus.broadcast(vec![wire::Item { kind: Some(kind) }]).await {
                tracing::warn!(%error, "cannot tell a player's connections elsewhere of their profile");
            }
        });
    }

    fn tell_players_elsewhere(&self, players: &[String], frame: &bytes::Bytes) {
        let kind = wire::item::Kind::PlayerDelivery(wire::PlayerDelivery {
            frame: frame.to_vec(),
            players: players.to_vec(),
        });
        let bus = self.bus.clone();
        tokio::spawn(async move {
            if let Err(error) = bus.broadcast(vec![wire::Item { kind: Some(kind) }]).await {
                tracing::warn!(%error, "cannot send players a frame on the other instances");
            }
        });
    }

    async fn reachable(&self) -> Result<(), String> {
        self.bus.ping().await
    }

    async fn depart(&self) -> Result<(), RoomError> {
        self.placement
            .depart()
            .await
            .map_err(unavailable("say this instance is leaving"))
    }
}
