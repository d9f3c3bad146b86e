//! Several PianoRhythm instances serving one set of rooms, over Redis (`REDIS_URL`). This crate
//! implements the engine's traits: [`RedisCluster`] is its `Cluster` (where rooms live,
//! reaching rooms held elsewhere), [`RedisLimits`] its `SharedLimits`, and the links to the
//! other instances its `PeerLink`s. One instance alone does without this crate: the engine's
//! `Solo` stands in.
//!
//! - `bus`: this instance's channel on Redis, publishing and listening (`bus/wire`: the
//!   messages, `bus/peer`: one ordered, batched queue per other instance, `bus/seal`: the
//!   HMAC under `BUS_SECRET` that every message must carry)
//! - `placement`: where each room lives, its name, and who is alive, as records in Redis
//! - `presence`: the engine's `PresenceBoard`, where each player's connections are
//! - `redis_cluster`: the engine's `Cluster` over placement, peers and the bus
//! - `remote`: commands for rooms held elsewhere, as they travel and as they arrive
//! - `shared_limits`: the engine's `SharedLimits`, counted in Redis
//! - `tasks`: handing on what other instances send, heartbeats, and taking over the rooms of
//!   instances that have gone

pub mod bus;
pub mod placement;
mod presence;
mod redis_cluster;
pub mod remote;
mod shared_limits;
mod tasks;

use std::sync::Arc;

use pianorhythm_engine::{
    limits::LimitsConfig, live::LiveConnections, rooms::Registry, shutdown::Shutdown,
};
use tokio::sync::mpsc;

pub use bus::{seal::BusKey, BusError, BUS_LAG_SECONDS, BUS_REJECTED};
pub use presence::RedisPresence;
pub use redis_cluster::RedisCluster;
pub use shared_limits::RedisLimits;
pub use tasks::{LINK_BACK, LINK_LOST};

/// This instance on the bus, before its rooms and connections exist.
pub struct Joined {
    /// Where rooms live and how to reach the others: the registry's `Cluster`.
    pub cluster: Arc<RedisCluster>,
    /// Allowances counted on every instance: the limits' `SharedLimits`.
    pub limits: Arc<RedisLimits>,
    /// Where each player's connections are, on every instance.
    pub presence: Arc<RedisPresence>,
    /// What other instances send, until [`Joined::serve`] hands it on.
    incoming: mpsc::Receiver<bus::wire::Envelope>,
}

/// Connects to Redis (it must answer now) and says this instance is alive before it claims
/// any room, so no other takes it for gone meanwhile. `secret` (`BUS_SECRET`, the same on
/// every instance) seals every message; without it there is no joining.
pub async fn join(
    url: &str,
    secret: Option<&str>,
    limits: LimitsConfig,
    shutdown: &Shutdown,
) -> Result<Joined, BusError> {
    let secret = secret.ok_or_else(|| {
        BusError::Secret(
            "REDIS_URL is set but BUS_SECRET is not: every instance needs the same secret \
             to sign what it sends on the bus (e.g. `openssl rand -hex 32`)"
                .to_owned(),
        )
    })?;
    let key = BusKey::new(secret).map_err(BusError::Secret)?;
    let (bus, incoming) = bus::Bus::connect(url, key, shutdown.clone()).await?;
    let placement = placement::Placement::new(bus.instance().clone(), bus.redis());
    placement.starting().await?;
    let remotes = remote::Remotes {
        peers: bus::peer::Peers::new(bus.clone(), shutdown.clone()),
        joins: Default::default(),
    };
    let limits = RedisLimits::start(
        bus.redis(),
        bus.instance().clone(),
        limits,
        shutdown.clone(),
    );
    let presence = Arc::new(RedisPresence {
        redis: bus.redis(),
        placement: placement.clone(),
    });
    let cluster = Arc::new(RedisCluster {
        placement,
        remotes,
        bus,
    });
    Ok(Joined {
        cluster,
        limits,
        presence,
        incoming,
    })
}

impl Joined {
    /// Starts handing what other instances send to this instance's rooms and connections,
    /// and the heartbeats that keep its rooms its own, until `shutdown`.
    pub fn serve(self, registry: Arc<Registry>, live: Arc<LiveConnections>, shutdown: Shutdown) {
        let cluster = &self.cluster;
        let tasks = tasks::ClusterTasks {
            bus: cluster.bus.clone(),
            registry,
            live,
            placement: cluster.placement.clone(),
            remotes: cluster.remotes.clone(),
            gone: Default::default(),
        };
        tasks.spawn(self.incoming, shutdown);
    }
}
