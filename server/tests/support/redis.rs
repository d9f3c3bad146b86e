//! A real `redis-server` on a free port, started for one test and stopped with it. It runs as
//! the deployment's Redis does: the default user off, and one ACL user limited to the
//! server's keys and channels, so every test on it shows the server works with credentials.

#![allow(dead_code)] // Each test binary uses a different part of it.

use std::{
    net::{SocketAddr, TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The ACL user the servers log in as (the same rules as in deploy/compose.yaml and
/// deploy/k8s/redis.yaml).
pub const USER: &str = "pianorhythm";
/// Its password.
pub const PASSWORD: &str = "test-redis-password";
/// The `BUS_SECRET` the test servers sign the bus's messages with.
pub const BUS_SECRET: &str = "test-bus-secret-0123456789abcdef0123456789";

/// A running `redis-server` with nothing saved to disk; killed when dropped.
pub struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts one on a port nothing listens on.
    pub fn start() -> Self {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port)
    }

    /// Starts one on `port` (again, after [`RedisServer::stop`]).
    pub fn start_on(port: u16) -> Self {
        let password = format!(">{PASSWORD}");
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(["--user", "default", "off"])
            .args(["--user", USER, "on", &password])
            .args(["~pianorhythm:*", "&pianorhythm:*", "+@all", "-@dangerous"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is installed by scripts/setup.sh --test");
        let deadline = Instant::now() + Duration::from_secs(10);
        let server = Self { child, port };
        while TcpStream::connect(server.address()).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        server
    }

    /// Where it listens.
    pub fn address(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// The URL with the ACL user's credentials, as `REDIS_URL`.
    pub fn url(&self) -> String {
        Self::url_at(self.address())
    }

    /// The URL with the credentials for a Redis reached at `address` (e.g. through a link).
    pub fn url_at(address: SocketAddr) -> String {
        format!("redis://{USER}:{PASSWORD}@{address}")
    }

    /// The URL without credentials: what a client that does not know them would use.
    pub fn url_without_credentials(&self) -> String {
        format!("redis://{}", self.address())
    }

    /// Kills it, as a crash would; the port is free again.
    pub fn stop(mut self) -> u16 {
        self.kill();
        self.port
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
