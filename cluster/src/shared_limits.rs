//! The same limits across instances, kept in Redis when instances share a bus: a player who
//! opens sockets on two instances, or joins through both, draws on one allowance.
//!
//! Open connections are a sorted set per player and per address whose members (instance and
//! connection) expire unless their instance renews them, so the connections of an instance
//! that dies stop counting by themselves. Joins, room creations and chat messages are GCRA
//! buckets (one timestamp per player and per address). The local limits are checked first and still hold
//! when Redis is away; these are then let through rather than refused.

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_trait::async_trait;
use parking_lot::Mutex;
use pianorhythm_engine::{
    clock,
    limits::{self, LimitError, LimitsConfig, Player, SharedBucket, SharedPermit},
    quotas::{QuotaExceeded, SharedQuotas, Window},
    shutdown::Shutdown,
};
use redis::{aio::ConnectionManager, RedisResult, Script};

/// How long a connection counts after its instance last renewed it.
const CONNECTION_LEASE: Duration = Duration::from_secs(30);
/// How often an instance renews its connections.
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// Counts member `ARGV[1]` in both sets unless either holds its limit (`ARGV[4]`, `ARGV[5]`)
/// of members alive at `ARGV[2]`; it lives until `ARGV[3]`.
const CONNECT: &str = r#"
local limits = {tonumber(ARGV[4]), tonumber(ARGV[5])}
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', ARGV[2])
  if redis.call('ZCARD', key) >= limits[i] then return 0 end
end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[3], ARGV[1])
  redis.call('PEXPIREAT', key, ARGV[3])
end
return 1
"#;

/// GCRA on both keys: one more event at time `ARGV[1]` (ms) with an emission interval of
/// `ARGV[2]` and `ARGV[3]` ms for the two keys and room for `ARGV[4]` and `ARGV[5]` events in a
/// burst. Taken from both or from neither: 0 when taken, else the ms to wait (at least 1).
const TAKE: &str = r#"
local now = tonumber(ARGV[1])
local next = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[1 + i])
  local burst = tonumber(ARGV[3 + i])
  local tat = math.max(tonumber(redis.call('GET', key) or now), now) + interval
  if tat - now > interval * burst then
    wait = math.max(wait, math.ceil(tat - now - interval * burst))
  end
  next[i] = tat
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, tostring(next[i]), 'PX', math.ceil(next[i] - now))
end
return 0
"#;

/// This instance's end of the shared limits.
pub struct RedisLimits {
    /// Where the shared counts are kept.
    redis: ConnectionManager,
    /// This instance's id on the bus, part of each connection's member.
    here: Arc<str>,
    /// The limits, the same on every instance.
    config: LimitsConfig,
    /// The connections this instance counts, with their two sets, to renew them.
    held: Arc<Mutex<HashMap<u64, [String; 2]>>>,
}

impl RedisLimits {
    /// Starts the task that renews this instance's connections until `shutdown`.
    pub fn start(
        redis: ConnectionManager,
        here: Arc<str>,
        config: LimitsConfig,
        shutdown: Shutdown,
    ) -> Arc<Self> {
        let shared = Arc::new(Self {
            redis,
            here,
            config,
            held: Arc::default(),
        });
        tokio::spawn(shared.clone().renew(shutdown));
        shared
    }

    fn keys(kind: &str, player: &Player) -> [String; 2] {
        [
            format!("pianorhythm:{kind}:player:{}", player.id),
            format!("pianorhythm:{kind}:address:{}", player.address),
        ]
    }

    fn member(&self, connection: u64) -> String {
        format!("{}:{connection}", self.here)
    }

    async fn count_connection(
        &self,
        player: &Player,
        connection: u64,
    ) -> Result<SharedConnection, LimitError> {
        let keys = Self::keys("connections", player);
        let now = clock::now_ms() as u64;
        let counted: RedisResult<i64> = Script::new(CONNECT)
            .key(&keys[0])
            .key(&keys[1])
            .arg(self.member(connection))
            .arg(now)
            .arg(now + CONNECTION_LEASE.as_millis() as u64)
            .arg(self.config.connections_per_session)
            .arg(self.config.connections_per_address)
            .invoke_async(&mut self.redis.clone())
            .await;
        match counted {
            Ok(0) => return Err(LimitError::TooManyConnections),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "cannot count a connection across instances"),
        }
        self.held.lock().insert(connection, keys);
        Ok(SharedConnection {
            held: self.held.clone(),
            redis: self.redis.clone(),
            connection,
            member: self.member(connection),
        })
    }

    async fn take_event(&self, bucket: SharedBucket, player: &Player) -> Result<(), LimitError> {
        let config = &self.config;
        match bucket {
            SharedBucket::Joins => {
                let burst = (config.joins_per_minute / 3.0).max(1.0);
                let rate = config.joins_per_minute / 60.0;
                self.take_one("joins", rate, burst, player, LimitError::TooManyJoins)
                    .await
            }
            SharedBucket::RoomCreations => {
                let (rate, burst) = (config.rooms_per_minute / 60.0, config.rooms_per_minute);
                let refusal = LimitError::TooManyRoomsCreated;
                self.take_one("creations", rate, burst, player, refusal)
                    .await
            }
            SharedBucket::Chat => {
                let (rate, burst) = (config.chat_per_second, config.chat_burst);
                self.take_one("chat", rate, burst, player, LimitError::ChatTooFast)
                    .await
            }
            SharedBucket::Reports => {
                let per_day = config.reports_per_day;
                let refusal = LimitError::TooManyReportsToday;
                self.take_one(
                    "reports_today",
                    per_day / limits::DAY_SECONDS,
                    per_day,
                    player,
                    refusal,
                )
                .await?;
                let per_minute = config.reports_per_minute;
                let refusal = LimitError::ReportsTooFast;
                self.take_one("reports", per_minute / 60.0, per_minute, player, refusal)
                    .await
            }
        }
    }

    /// Draws one event from the bucket `name` of the player and of their address (worth
    /// `guests_per_address` players); a Redis failure lets it through (the local limits hold).
    async fn take_one(
        &self,
        name: &str,
        per_second: f64,
        burst: f64,
        player: &Player,
        refusal: LimitError,
    ) -> Result<(), LimitError> {
        let share = self.config.guests_per_address;
        let keys = Self::keys(name, player);
        let interval = 1_000.0 / per_second;
        let taken: RedisResult<i64> = Script::new(TAKE)
            .key(&keys[0])
            .key(&keys[1])
            .arg(clock::now_ms())
            .arg(interval)
            .arg(interval / share)
            .arg(burst)
            .arg(burst * share)
            .invoke_async(&mut self.redis.clone())
            .await;
        match taken {
            Ok(0) => Ok(()),
            Ok(_) => Err(refusal),
            Err(error) => {
                tracing::warn!(%error, "cannot share a limit across instances");
                Ok(())
            }
        }
    }

    async fn renew(self: Arc<Self>, shutdown: Shutdown) {
        let mut every = tokio::time::interval(RENEW_EVERY);
        while shutdown.run_until_cancelled(every.tick()).await.is_some() {
            let until = clock::now_ms() as u64 + CONNECTION_LEASE.as_millis() as u64;
            let mut pipe = redis::pipe();
            for (connection, keys) in self.held.lock().iter() {
                for key in keys {
                    pipe.zadd(key, self.member(*connection), until).ignore();
                    pipe.pexpire_at(key, until as i64).ignore();
                }
            }
            if pipe.is_empty() {
                continue;
            }
            let renewed: RedisResult<()> = pipe.query_async(&mut self.redis.clone()).await;
            if let Err(error) = renewed {
                tracing::warn!(%error, "cannot renew this instance's connections");
            }
        }
    }
}

#[async_trait]
impl SharedQuotas for RedisLimits {
    /// The account's windows as two GCRA keys of the same script the limits use.
    async fn take(
        &self,
        name: &str,
        account: &str,
        windows: &[Window],
    ) -> Result<(), QuotaExceeded> {
        let [hour, day] = windows else {
            unreachable!("a quota has two windows");
        };
        let interval =
            |window: &Window| window.per.as_millis() as f64 / f64::from(window.limit.max(1));
        let keys = [
            format!("pianorhythm:quota:{name}:{account}:{}", hour.per.as_secs()),
            format!("pianorhythm:quota:{name}:{account}:{}", day.per.as_secs()),
        ];
        let taken: RedisResult<i64> = Script::new(TAKE)
            .key(&keys[0])
            .key(&keys[1])
            .arg(clock::now_ms())
            .arg(interval(hour))
            .arg(interval(day))
            .arg(hour.limit)
            .arg(day.limit)
            .invoke_async(&mut self.redis.clone())
            .await;
        match taken {
            Ok(0) => Ok(()),
            Ok(wait_ms) => Err(QuotaExceeded {
                retry_after: Duration::from_millis(wait_ms.max(1) as u64)
                    .max(Duration::from_secs(1)),
            }),
            Err(error) => {
                tracing::warn!(%error, "cannot share a quota across instances");
                Ok(())
            }
        }
    }
}

#[async_trait]
impl limits::SharedLimits for RedisLimits {
    async fn connect(&self, player: &Player, connection: u64) -> Result<SharedPermit, LimitError> {
        let counted = self.count_connection(player, connection).await?;
        Ok(Box::new(counted))
    }

    async fn take(&self, bucket: SharedBucket, player: &Player) -> Result<(), LimitError> {
        self.take_event(bucket, player).await
    }
}

/// One open connection, counted on every instance until dropped.
struct SharedConnection {
    /// The connections the instance renews; this one leaves it when dropped.
    held: Arc<Mutex<HashMap<u64, [String; 2]>>>,
    /// Where to give the place back.
    redis: ConnectionManager,
    /// This connection's member in the sets.
    member: String,
    /// Which of this instance's connections it is.
    connection: u64,
}

impl Drop for SharedConnection {
    fn drop(&mut self) {
        let Some(keys) = self.held.lock().remove(&self.connection) else {
            return;
        };
        let member = std::mem::take(&mut self.member);
        let mut redis = self.redis.clone();
        tokio::spawn(async move {
            let mut pipe = redis::pipe();
            for key in &keys {
                pipe.zrem(key, &member).ignore();
            }
            let removed: RedisResult<()> = pipe.query_async(&mut redis).await;
            if let Err(error) = removed {
                tracing::warn!(%error, "cannot give a connection's place back");
            }
        });
    }
}
