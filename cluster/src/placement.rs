//! Where each room lives when instances share a bus: the shared records in Redis.
//!
//! - `pianorhythm:alive:<instance>`: set by each instance every second, expiring after
//!   [`ALIVE_FOR`]; an instance whose key has expired is gone (killed, or cut off).
//! - `pianorhythm:homes`: room id → the instance holding the room. Claimed with [`CLAIM`],
//!   which only takes a room that nobody holds or whose holder is gone, so one room never has
//!   two homes.
//! - `pianorhythm:names`: room key ([`pianorhythm_engine::names::room_key`]) → room id: names are unique
//!   across instances.
//! - `pianorhythm:listed`: room id → what the lobby shows of it ([`wire::ListedRoom`]), kept by
//!   its home.

use std::{collections::HashMap, sync::Arc, time::Duration};

use prost::Message as _;
use redis::{aio::ConnectionManager, AsyncCommands, RedisResult, Script};

use crate::bus::wire;

/// How long an instance counts as alive after its last heartbeat.
pub const ALIVE_FOR: Duration = Duration::from_secs(3);
/// How long a starting instance counts as alive before its first regular heartbeat: it
/// claims rooms before it beats, and bringing many back from the store takes time.
const STARTING_ALIVE_FOR: Duration = Duration::from_secs(30);

const HOMES: &str = "pianorhythm:homes";
const NAMES: &str = "pianorhythm:names";
const LISTED: &str = "pianorhythm:listed";

/// Takes room `ARGV[1]` for instance `ARGV[2]` unless a live instance holds it; answers the
/// room's home afterwards.
const CLAIM: &str = r#"
local home = redis.call('HGET', KEYS[1], ARGV[1])
if home and home ~= ARGV[2] and redis.call('EXISTS', 'pianorhythm:alive:' .. home) == 1 then
  return home
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return ARGV[2]
"#;

/// Gives name key `ARGV[1]` to room `ARGV[2]` unless another room that still has a home holds
/// it; answers whether the room has it now.
const RESERVE_NAME: &str = r#"
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if holder and holder ~= ARGV[2] and redis.call('HEXISTS', KEYS[2], holder) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"#;

/// Lets go of room `ARGV[1]` (held by `ARGV[2]`, named by key `ARGV[3]`).
const RELEASE: &str = r#"
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
end
if redis.call('HGET', KEYS[2], ARGV[3]) == ARGV[1] then
  redis.call('HDEL', KEYS[2], ARGV[3])
end
return 1
"#;

/// Removes name key `ARGV[1]` if it still names room `ARGV[2]`.
const FORGET_NAME: &str = r#"
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return 1
"#;

/// This instance's view of the shared records.
#[derive(Clone)]
pub struct Placement {
    /// This instance's id on the bus.
    here: Arc<str>,
    /// Where the records are kept.
    redis: ConnectionManager,
}

/// Everything shared about the live rooms, read at once.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Room id → home instance.
    pub homes: HashMap<String, String>,
    /// Name key → room id.
    pub names: HashMap<String, String>,
    /// Room id → what the lobby shows.
    pub listed: HashMap<String, wire::ListedRoom>,
}

impl Placement {
    pub fn new(here: Arc<str>, redis: ConnectionManager) -> Self {
        Self { here, redis }
    }

    pub fn here(&self) -> &Arc<str> {
        &self.here
    }

    fn alive_key(instance: &str) -> String {
        format!("pianorhythm:alive:{instance}")
    }

    /// Says this instance is alive for [`ALIVE_FOR`] more.
    pub async fn heartbeat(&self) -> RedisResult<()> {
        self.alive_for(ALIVE_FOR).await
    }

    /// Says this instance, starting, is alive until its regular heartbeats begin.
    pub async fn starting(&self) -> RedisResult<()> {
        self.alive_for(STARTING_ALIVE_FOR).await
    }

    async fn alive_for(&self, ttl: Duration) -> RedisResult<()> {
        self.redis
            .clone()
            .pset_ex(Self::alive_key(&self.here), 1, ttl.as_millis() as u64)
            .await
    }

    /// Says this instance is gone (at shutdown, once its rooms' writes are done), so others
    /// take its rooms at once.
    pub async fn depart(&self) -> RedisResult<()> {
        self.redis.clone().del(Self::alive_key(&self.here)).await
    }

    /// Which of `instances` are alive.
    pub async fn alive(&self, instances: &[String]) -> RedisResult<Vec<bool>> {
        if instances.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<String> = instances.iter().map(|i| Self::alive_key(i)).collect();
        let values: Vec<Option<String>> = self.redis.clone().mget(keys).await?;
        Ok(values.into_iter().map(|value| value.is_some()).collect())
    }

    /// Takes the room for this instance unless a live instance holds it; answers its home.
    pub async fn claim(&self, room_id: &str) -> RedisResult<String> {
        Script::new(CLAIM)
            .key(HOMES)
            .arg(room_id)
            .arg(&*self.here)
            .invoke_async(&mut self.redis.clone())
            .await
    }

    /// Reserves a name for a room; `false` if another live room has it.
    pub async fn reserve_name(&self, name_key: &str, room_id: &str) -> RedisResult<bool> {
        let reserved: i64 = Script::new(RESERVE_NAME)
            .key(NAMES)
            .key(HOMES)
            .arg(name_key)
            .arg(room_id)
            .invoke_async(&mut self.redis.clone())
            .await?;
        Ok(reserved == 1)
    }

    /// Lets go of a room this instance held, and its name.
    pub async fn release(&self, room_id: &str, name_key: &str) -> RedisResult<()> {
        self.release_for(room_id, name_key, &self.here).await
    }

    /// Lets go of a room `holder` held, and its name.
    pub async fn release_for(
        &self,
        room_id: &str,
        name_key: &str,
        holder: &str,
    ) -> RedisResult<()> {
        Script::new(RELEASE)
            .key(HOMES)
            .key(NAMES)
            .key(LISTED)
            .arg(room_id)
            .arg(holder)
            .arg(name_key)
            .invoke_async(&mut self.redis.clone())
            .await
    }

    /// Removes a name that no longer names its room.
    pub async fn forget_name(&self, name_key: &str, room_id: &str) -> RedisResult<()> {
        Script::new(FORGET_NAME)
            .key(NAMES)
            .arg(name_key)
            .arg(room_id)
            .invoke_async(&mut self.redis.clone())
            .await
    }

    /// The id of the live room with this name key, if any.
    pub async fn room_named(&self, name_key: &str) -> RedisResult<Option<String>> {
        self.redis.clone().hget(NAMES, name_key).await
    }

    /// The instance holding a room, if any.
    pub async fn home(&self, room_id: &str) -> RedisResult<Option<String>> {
        self.redis.clone().hget(HOMES, room_id).await
    }

    /// Writes what the lobby shows of this instance's rooms, claiming again those Redis has
    /// forgotten (it restarted) and keeping their names.
    pub async fn publish(&self, rooms: &[(Arc<str>, String, wire::ListedRoom)]) -> RedisResult<()> {
        if rooms.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        for (id, name_key, listed) in rooms {
            pipe.hset_nx(HOMES, &**id, &*self.here).ignore();
            pipe.hset_nx(NAMES, name_key, &**id).ignore();
            pipe.hset(LISTED, &**id, listed.encode_to_vec()).ignore();
        }
        pipe.query_async(&mut self.redis.clone()).await
    }

    /// Reads every shared record.
    pub async fn snapshot(&self) -> RedisResult<Snapshot> {
        let (homes, names, listed): (_, _, HashMap<String, Vec<u8>>) = redis::pipe()
            .hgetall(HOMES)
            .hgetall(NAMES)
            .hgetall(LISTED)
            .query_async(&mut self.redis.clone())
            .await?;
        let listed = listed
            .into_iter()
            .filter_map(|(id, bytes)| Some((id, wire::ListedRoom::decode(&*bytes).ok()?)))
            .collect();
        Ok(Snapshot {
            homes,
            names,
            listed,
        })
    }
}
