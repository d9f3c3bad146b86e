//! Test harness: a real server on a free port, HTTP and WebSocket clients that talk to it.

#![allow(dead_code)] // Each test binary uses a different part of the harness.

use std::{net::SocketAddr, time::Duration};

use futures_util::{SinkExt, StreamExt};
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, ClientMessage, CreateRoom, ErrorCode,
    JoinRoom, RoomJoined, RoomSettingsUpdate, ServerMessage, TimePing, PROTOCOL_VERSION,
};
use prost::Message as _;
use server::{config::Config, RunningServer};
use tempfile::TempDir;
use tokio::net::TcpStream;
use tokio_tungstenite::{
    tungstenite::{client::IntoClientRequest, Message},
    MaybeTlsStream, WebSocketStream,
};

/// How long a test waits for a frame that should arrive.
pub const RECEIVE_TIMEOUT: Duration = Duration::from_secs(5);

pub struct TestServer {
    pub server: RunningServer,
    /// The site root the server serves; dropped (deleted) with the server.
    pub site: TempDir,
    /// The server's DATA_DIR (its embedded store); dropped (deleted) with the server.
    pub data: TempDir,
    pub http: reqwest::Client,
}

impl TestServer {
    /// A server whose site root holds a (stand-in) client bundle, so it reports ready.
    pub async fn start() -> Self {
        Self::start_ready_with(|_| {}).await
    }

    /// A server with a (stand-in) client bundle and a configuration adjusted by `adjust`.
    pub async fn start_ready_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let server = Self::start_with(adjust).await;
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
        Self::start_with(|_| {}).await
    }

    /// A server with an empty site root and a configuration adjusted by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        let site = TempDir::new().unwrap();
        let site_root = site.path().to_string_lossy().into_owned();
        let data = TempDir::new().unwrap();
        let data_dir = data.path().to_string_lossy().into_owned();
        let mut config = Config::from_lookup(|name| match name {
            "LEPTOS_SITE_ADDR" => Some("127.0.0.1:0".to_owned()),
            "METRICS_ADDR" => Some("127.0.0.1:0".to_owned()),
            "LEPTOS_SITE_ROOT" => Some(site_root.clone()),
            "DATA_DIR" => Some(data_dir.clone()),
            _ => None,
        })
        .unwrap();
        // Every test client comes from 127.0.0.1: treat it as an address shared by many
        // players, as an operator would for a known gateway. Tests of the address limits
        // set their own.
        config.limits.guests_per_address = 1_000.0;
        config.limits.connections_per_address = 10_000;
        adjust(&mut config);
        let server = server::start(config).await.unwrap();
        let http = reqwest::Client::builder().no_gzip().build().unwrap();
        Self {
            server,
            site,
            data,
            http,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.local_addr())
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// `GET /api/v1/rooms/active` as JSON.
    pub async fn active_rooms(&self) -> serde_json::Value {
        self.get("/api/v1/rooms/active").await.json().await.unwrap()
    }

    /// Opens a WebSocket speaking our protocol and returns it once the welcome has arrived.
    pub async fn connect(&self) -> (WsClient, ServerMessage) {
        let mut client = self.connect_to(&format!("/ws?v={PROTOCOL_VERSION}")).await;
        let welcome = client.recv().await;
        (client, welcome)
    }

    /// Opens a WebSocket at `path` (with its query) without reading anything.
    pub async fn connect_to(&self, path: &str) -> WsClient {
        self.connect_with_cookie(path, None).await
    }

    /// Connects as a player and returns the client with its participant id.
    pub async fn player(&self) -> (WsClient, String) {
        let (client, welcome) = self.connect().await;
        let id = client.participant_id(welcome);
        (client, id)
    }

    /// Opens a WebSocket sending `cookie` (e.g. a session cookie from an earlier connection).
    pub async fn connect_with_cookie(&self, path: &str, cookie: Option<&str>) -> WsClient {
        connect_ws(self.server.local_addr(), path, cookie).await
    }
}

/// Opens a WebSocket to a server at `address`, sending `cookie` if given.
pub async fn connect_ws(address: SocketAddr, path: &str, cookie: Option<&str>) -> WsClient {
    let cookie = cookie.map(|cookie| ("cookie", cookie));
    connect_ws_with_headers(address, path, cookie.as_slice()).await
}

/// Opens a WebSocket to a server at `address`, sending these extra headers.
pub async fn connect_ws_with_headers(
    address: SocketAddr,
    path: &str,
    headers: &[(&'static str, &str)],
) -> WsClient {
    let url = format!("ws://{address}{path}");
    let mut request = url.into_client_request().unwrap();
    for (name, value) in headers {
        request.headers_mut().append(*name, value.parse().unwrap());
    }
    let (stream, response) = tokio_tungstenite::connect_async(request).await.unwrap();
    let cookie = response.headers().get("set-cookie").map(|value| {
        value
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    });
    WsClient { stream, cookie }
}

pub struct WsClient {
    pub stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The session cookie the server set on the handshake, as `name=value`.
    pub cookie: Option<String>,
}

impl WsClient {
    fn participant_id(&self, welcome: ServerMessage) -> String {
        match welcome.kind {
            Some(Kind::Welcome(welcome)) => welcome.you.unwrap().id,
            other => panic!("expected a welcome, got {other:?}"),
        }
    }

    pub async fn request(&mut self, request: Request) {
        self.send(ClientMessage::from_kind(request)).await;
    }

    /// The next message that is not background noise (room list pushes).
    pub async fn next(&mut self) -> Kind {
        loop {
            match self.recv().await.kind {
                Some(Kind::RoomList(_)) => continue,
                Some(kind) => return kind,
                None => panic!("empty server message"),
            }
        }
    }

    /// Skips messages until `pick` accepts one.
    pub async fn wait_for<T>(&mut self, mut pick: impl FnMut(Kind) -> Option<T>) -> T {
        loop {
            if let Some(found) = pick(self.recv().await.kind.expect("empty server message")) {
                return found;
            }
        }
    }

    /// The next error's code, skipping anything else.
    pub async fn error_code(&mut self) -> ErrorCode {
        self.wait_for(|kind| match kind {
            Kind::Error(error) => Some(error.code()),
            _ => None,
        })
        .await
    }

    /// Proves nothing else is waiting: a ping's pong must be the next message (besides room
    /// list pushes), and anything before it is returned for the caller to inspect.
    pub async fn drain(&mut self) -> Vec<Kind> {
        self.request(Request::Ping(TimePing {
            client_send_time: -1.0,
        }))
        .await;
        let mut before = Vec::new();
        loop {
            match self.next().await {
                Kind::Pong(pong) if pong.client_send_time == -1.0 => return before,
                other => before.push(other),
            }
        }
    }

    /// Creates a room with these settings and waits until it has been joined.
    pub async fn create_room(&mut self, settings: RoomSettingsUpdate) -> RoomJoined {
        self.request(Request::Create(CreateRoom {
            settings: Some(settings),
        }))
        .await;
        self.joined().await
    }

    pub async fn join_room(&mut self, room: &str, password: Option<&str>) {
        self.request(Request::Join(JoinRoom {
            room: room.to_owned(),
            password: password.map(str::to_owned),
        }))
        .await;
    }

    /// Joins a room without a password and waits until the room confirms it.
    pub async fn enter(&mut self, room: &str) -> RoomJoined {
        self.join_room(room, None).await;
        self.joined().await
    }

    pub async fn joined(&mut self) -> RoomJoined {
        self.wait_for(|kind| match kind {
            Kind::RoomJoined(joined) => Some(joined),
            Kind::Error(error) => panic!("expected to join, got {error:?}"),
            _ => None,
        })
        .await
    }
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

    /// The next message other than a room list push.
    pub async fn recv_skipping_lists(&mut self) -> ServerMessage {
        loop {
            let message = self.recv().await;
            if !matches!(message.kind, Some(Kind::RoomList(_))) {
                return message;
            }
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
