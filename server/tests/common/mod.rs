//! Test harness: a real server on a free port, HTTP and WebSocket clients that talk to it.

#![allow(dead_code)] // Each test binary uses a different part of the harness.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use pianorhythm_core::protocol::{ClientMessage, ServerMessage, PROTOCOL_VERSION};
use prost::Message as _;
use server::{config::Config, RunningServer};
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio_tungstenite::{tungstenite::Message, MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame that should arrive.
pub const RECEIVE_TIMEOUT: Duration = Duration::from_secs(5);

pub struct TestServer {
    pub server: RunningServer,
    /// The site root the server serves; dropped (deleted) with the server.
    pub site: TempDir,
    pub http: reqwest::Client,
}

impl TestServer {
    /// A server whose site root holds a (stand-in) client bundle, so it reports ready.
    pub async fn start() -> Self {
        let server = Self::start_with_empty_site().await;
        let pkg = server.site.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("pianorhythm.wasm"), b"\0asm\x01\0\0\0").unwrap();
        std::fs::write(
            pkg.join("pianorhythm.js"),
            "export default 1;\n".repeat(200),
        )
        .unwrap();
        server
    }

    /// A server whose site root is empty: the client bundle has not been built.
    pub async fn start_with_empty_site() -> Self {
        let site = TempDir::new().unwrap();
        let site_root = site.path().to_string_lossy().into_owned();
        let config = Config::from_lookup(|name| match name {
            "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
            "LEPTOS_SITE_ROOT" => Some(site_root.clone()),
            _ => None,
        })
        .unwrap();
        let server = server::start(config).await.unwrap();
        let http = reqwest::Client::builder().no_gzip().build().unwrap();
        Self { server, site, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.local_addr())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// Opens a WebSocket speaking our protocol and returns it once the welcome has arrived.
    pub async fn connect(&self) -> (WsClient, ServerMessage) {
        let mut client = self.connect_to(&format!("/ws?v={PROTOCOL_VERSION}")).await;
        let welcome = client.recv().await;
        (client, welcome)
    }

    /// Opens a WebSocket at `path` (with its query) without reading anything.
    pub async fn connect_to(&self, path: &str) -> WsClient {
        let url = format!("ws://{}{path}", self.server.local_addr());
        let (stream, _) = tokio_tungstenite::connect_async(url).await.unwrap();
        WsClient { stream }
    }
}

pub struct WsClient {
    pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl WsClient {
    pub async fn send(&mut self, message: ClientMessage) {
        self.send_raw(Message::Binary(message.encode_to_vec().into()))
            .await;
    }

    pub async fn send_raw(&mut self, frame: Message) {
        self.stream.send(frame).await.unwrap();
    }

    /// The next frame, which must be a decodable server message.
    pub async fn recv(&mut self) -> ServerMessage {
        match self.recv_frame().await {
            Some(Message::Binary(bytes)) => ServerMessage::decode(bytes.as_ref()).unwrap(),
            other => panic!("expected a binary frame, got {other:?}"),
        }
    }

    /// The next data or close frame; `None` when the connection ended without one.
    pub async fn recv_frame(&mut self) -> Option<Message> {
        loop {
            let frame = tokio::time::timeout(RECEIVE_TIMEOUT, self.stream.next())
                .await
                .expect("timed out waiting for a frame");
            match frame {
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                Some(Ok(frame)) => return Some(frame),
                Some(Err(_)) | None => return None,
            }
        }
    }
}
