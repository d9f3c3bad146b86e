//! The engine's `PresenceBoard` in Redis: where each player's connections are, whatever
//! instance holds them. One hash per player (`pianorhythm:presence:<player>`), one field per
//! connection (`<instance>/<connection>`), whose value is its room's id (empty: in no room).
//! Fields of an instance that has gone (no longer alive in the placement's records) are
//! ignored and removed when read, so a crash leaves no one online for good.

use std::collections::HashMap;

use async_trait::async_trait;
use pianorhythm_engine::{
    presence::{PresenceBoard, Whereabouts},
    rooms::ConnectionId,
};
use redis::{aio::ConnectionManager, AsyncCommands};

use crate::placement::Placement;

/// The board, over this instance's link to Redis.
#[derive(Clone)]
pub struct RedisPresence {
    /// Redis.
    pub(crate) redis: ConnectionManager,
    /// Who is alive, and this instance's name.
    pub(crate) placement: Placement,
}

fn key(player: &str) -> String {
    format!("pianorhythm:presence:{player}")
}

impl RedisPresence {
    fn field(&self, connection: ConnectionId) -> String {
        format!("{}/{connection}", self.placement.here())
    }
}

fn failed(error: redis::RedisError) -> String {
    format!("presence in redis: {error}")
}

#[async_trait]
impl PresenceBoard for RedisPresence {
    async fn set(
        &self,
        player: &str,
        connection: ConnectionId,
        room: Option<&str>,
    ) -> Result<(), String> {
        let mut redis = self.redis.clone();
        redis
            .hset::<_, _, _, ()>(key(player), self.field(connection), room.unwrap_or(""))
            .await
            .map_err(failed)
    }

    async fn remove(&self, player: &str, connection: ConnectionId) -> Result<(), String> {
        let mut redis = self.redis.clone();
        redis
            .hdel::<_, _, ()>(key(player), self.field(connection))
            .await
            .map_err(failed)
    }

    async fn read(&self, players: &[String]) -> Result<Vec<Whereabouts>, String> {
        if players.is_empty() {
            return Ok(Vec::new());
        }
        let mut pipe = redis::pipe();
        for player in players {
            pipe.hgetall(key(player));
        }
        let mut redis = self.redis.clone();
        let boards: Vec<HashMap<String, String>> =
            pipe.query_async(&mut redis).await.map_err(failed)?;
        let mut instances: Vec<String> = boards
            .iter()
            .flat_map(|fields| fields.keys())
            .filter_map(|field| {
                field
                    .split_once('/')
                    .map(|(instance, _)| instance.to_owned())
            })
            .collect();
        instances.sort_unstable();
        instances.dedup();
        let alive = self.placement.alive(&instances).await.map_err(failed)?;
        let alive: HashMap<&str, bool> = instances.iter().map(String::as_str).zip(alive).collect();
        let mut read = Vec::with_capacity(players.len());
        for (player, fields) in players.iter().zip(boards) {
            let mut whereabouts = Whereabouts::new();
            for (field, room) in fields {
                let instance = field.split_once('/').map_or("", |(instance, _)| instance);
                match alive.get(instance) {
                    Some(true) => whereabouts.push((!room.is_empty()).then_some(room)),
                    _ => {
                        // Its instance has gone: the connection with it.
                        let _: Result<(), _> = redis.hdel(key(player), &field).await;
                    }
                }
            }
            read.push(whereabouts);
        }
        Ok(read)
    }
}
