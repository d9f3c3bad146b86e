//! Several server instances sharing one `redis-server` (the bus, `REDIS_URL`) and one
//! DATA_DIR, as a scaled-out deployment runs: what `--instances N` loads. Each shape gets a
//! fresh cluster, so no room, player or Redis key carries over from one to the next.

use std::io;

use crate::{
    child::{self, ScratchDir, Spawned},
    load::Deployment,
};

/// N running instances and their bus; everything is stopped and removed when dropped.
pub struct Cluster {
    /// The instances, in start order. Instance 0 is up before the next one starts, so it holds
    /// the Lobby; it is also where the bots create the other rooms.
    servers: Vec<Spawned>,
    /// The bus. Fields drop in order: the servers stop before it, while it still answers.
    redis: Spawned,
    /// The instances' shared site root and DATA_DIR, removed last.
    _scratch: ScratchDir,
}

impl Cluster {
    /// Starts a `redis-server`, then `instances` servers on it one after the other.
    pub fn start(instances: u32) -> io::Result<Self> {
        let scratch = ScratchDir::new()?;
        let redis = child::spawn_redis()?;
        let url = redis.redis_url();
        let servers = (0..instances)
            .map(|_| child::spawn_instance(&scratch, &url))
            .collect::<io::Result<Vec<_>>>()?;
        Ok(Cluster {
            servers,
            redis,
            _scratch: scratch,
        })
    }

    /// Where the bots connect and whose CPU counts.
    pub fn deployment(&self) -> Deployment {
        Deployment {
            bases: self.servers.iter().map(Spawned::ws_base).collect(),
            server_pids: self.servers.iter().map(Spawned::pid).collect(),
            redis_pid: Some(self.redis.pid()),
        }
    }

    /// One line for the log: who runs where.
    pub fn describe(&self) -> String {
        let servers: Vec<String> = self
            .servers
            .iter()
            .map(|server| format!("pid {} on {}", server.pid(), server.addr))
            .collect();
        format!(
            "redis-server pid {} on {}; instances: {}",
            self.redis.pid(),
            self.redis.addr,
            servers.join(", ")
        )
    }
}
