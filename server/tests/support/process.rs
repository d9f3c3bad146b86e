//! The real `server` binary as a child process on a free port, with its own DATA_DIR and site
//! root (several may share them) and any extra settings (`REDIS_URL`, limits): started for one
//! test, stopped with SIGTERM or SIGKILL, killed when dropped.

// Each test binary uses a different part of the harness.
#![allow(dead_code)]

use std::{
    net::{IpAddr, SocketAddr, TcpListener},
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

use pianorhythm_core::protocol::{server_message::Kind, Participant, PROTOCOL_VERSION};
use tokio::net::TcpSocket;
use tokio_tungstenite::MaybeTlsStream;

use crate::common::{connect_ws, WsClient};

/// How long a freshly started server may take to answer /health.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The server binary running as a child process.
pub struct ServerProcess {
    child: Child,
    pub address: SocketAddr,
}

impl ServerProcess {
    /// A server on `data_dir` serving `site_root`, with the default settings.
    pub async fn start(data_dir: &Path, site_root: &Path) -> Self {
        Self::start_with(data_dir, site_root, &[]).await
    }

    /// A server on `data_dir` serving `site_root`, with these environment variables set too
    /// (e.g. `("REDIS_URL", url)`); returns once it answers /health.
    ///
    /// A port found free may be taken before the server binds it (another server's metrics
    /// listener picks any free port): a server that exits before it is healthy is started
    /// again on another port.
    pub async fn start_with(data_dir: &Path, site_root: &Path, env: &[(&str, &str)]) -> Self {
        const ATTEMPTS: usize = 3;
        for _ in 0..ATTEMPTS {
            let address = free_address();
            let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
            command
                .env("LEPTOS_SITE_ADDR", address.to_string())
                .env("METRICS_ADDR", "127.0.0.1:0")
                .env("LEPTOS_SITE_ROOT", site_root)
                .env("DATA_DIR", data_dir)
                .env_remove("MONGODB_URI")
                .env_remove("REDIS_URL")
                .env_remove("BUS_SECRET")
                // Every test client comes from 127.0.0.1: treat it as an address shared by many
                // players, as TestServer does.
                .env("GUESTS_PER_ADDRESS", "1000")
                .env("MAX_CONNECTIONS_PER_ADDRESS", "10000")
                .env("RUST_LOG", "warn")
                .stdout(Stdio::null());
            // Set last, so they win over the defaults above.
            command.envs(env.iter().copied());
            let child = command.spawn().expect("cannot start the server binary");
            let mut server = Self { child, address };
            if server.wait_until_healthy().await {
                return server;
            }
        }
        panic!("the server exited before it was healthy, {ATTEMPTS} times");
    }

    /// Waits until the server answers /health (`true`) or exits (`false`).
    async fn wait_until_healthy(&mut self) -> bool {
        let url = self.url("/health");
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(response) = reqwest::get(&url).await {
                if response.status().is_success() {
                    return true;
                }
            }
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server did not become healthy within {START_TIMEOUT:?}");
    }

    /// `http://<address><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Opens a WebSocket speaking our protocol, sending `cookie` if given, without reading.
    pub async fn open(&self, cookie: Option<&str>) -> WsClient {
        let path = format!("/ws?v={PROTOCOL_VERSION}");
        connect_ws(self.address, &path, cookie).await
    }

    /// Opens a WebSocket and returns it with who the welcome says the player is.
    pub async fn connect(&self, cookie: Option<&str>) -> (WsClient, Participant) {
        let client = self.open(cookie).await;
        welcomed(client).await
    }

    /// Like [`ServerProcess::connect`] for a new player, from `source` (another loopback
    /// address, e.g. 127.0.0.2) instead of 127.0.0.1: what is done to their address (a guest's
    /// ban covers it) touches no other test player.
    pub async fn connect_from(&self, source: IpAddr) -> (WsClient, Participant) {
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(source, 0)).unwrap();
        let stream = socket.connect(self.address).await.unwrap();
        let url = format!("ws://{}/ws?v={PROTOCOL_VERSION}", self.address);
        let (stream, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream))
            .await
            .unwrap();
        welcomed(WsClient {
            stream,
            cookie: None,
        })
        .await
    }

    /// Sends SIGTERM, as an orchestrator stops a server, without waiting for it to exit.
    pub fn send_sigterm(&self) {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: signals our own child process, which has not been waited for yet.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    }

    /// Waits for the process to exit and returns how it did.
    pub fn wait(mut self) -> ExitStatus {
        self.child.wait().unwrap()
    }

    /// SIGTERM, and waits for a clean exit.
    pub fn terminate(self) {
        self.send_sigterm();
        let status = self.wait();
        assert!(status.success(), "the server exited with {status}");
    }

    /// SIGKILL: no shutdown handler runs, nothing is flushed on the way out.
    pub fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The client once its welcome has arrived, with who the welcome says the player is.
async fn welcomed(mut client: WsClient) -> (WsClient, Participant) {
    let you = match client.recv().await.kind {
        Some(Kind::Welcome(welcome)) => welcome.you.unwrap(),
        other => panic!("expected a welcome, got {other:?}"),
    };
    (client, you)
}

/// An address nothing listens on (the listener that found it is closed again).
pub fn free_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}
