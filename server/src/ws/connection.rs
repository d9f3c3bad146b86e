//! One client's WebSocket: the transport. A single task reads the client's frames, decodes
//! them and hands each request to its [`Handler`], writes what its outbox holds (as many queued
//! frames per write as are waiting), pings the client, and closes the socket cleanly.

use std::{
    future::{poll_fn, Future},
    sync::Arc,
    task::Poll,
    time::{Duration, Instant},
};

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use bytes::Bytes;
use futures_util::SinkExt;
use pianorhythm_core::{
    domain::report::SiteBan,
    protocol::{
        server_message::Kind, ClientMessage, Disconnect, DisconnectReason, ErrorCode, Welcome,
        MAX_FRAME_BYTES, PROTOCOL_VERSION,
    },
    rate_limit::TokenBucket,
};
use prost::Message as _;

use super::{
    ban_notice::{banned_goodbye, BANNED},
    handler::Handler,
    ConnectionConfig,
};
use pianorhythm_engine::{
    blocks::BlockedPlayers,
    clock, frames,
    limits::ConnectionPermit,
    live::LiveConnections,
    outbox::{Goodbye, OutboxReceiver, Outgoing, Rejoin},
};

/// WebSocket close codes (RFC 6455 section 7.4).
const CLOSE_PROTOCOL_ERROR: u16 = 1002;
const CLOSE_POLICY_VIOLATION: u16 = 1008;
const CLOSE_SERVICE_RESTART: u16 = 1012;
/// Most queued frames written before one flush.
const WRITE_BATCH: usize = 256;
/// How long a goodbye may take to write before the connection is simply dropped.
const GOODBYE_TIMEOUT: Duration = Duration::from_secs(1);
/// A client that accepts no bytes for this long is gone.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Refused messages a client may send (beyond its rate limit) before it is cut off; this
/// allowance refills at the message rate, so only a sustained flood reaches the end of it.
const FLOOD_ALLOWANCE: f64 = 2_000.0;

/// The socket failed, the peer went away, or we decided to close: stop serving.
struct Closed;

pub struct Connection {
    /// The client's socket, read and written only by this task.
    socket: WebSocket,
    /// What the client's requests do.
    handler: Handler,
    /// Frames rooms and the handler queued for this client.
    outbox: OutboxReceiver,
    /// Timeouts and rates.
    config: ConnectionConfig,
    /// Every open connection, for shutdown.
    live: Arc<LiveConnections>,
    /// Counts this connection against its player and address while it is open.
    _permit: ConnectionPermit,
    /// Every frame the client sends draws on this, whatever its kind.
    message_limit: TokenBucket,
    /// Drained by refused messages: when it is empty, the client is flooding.
    flood_allowance: TokenBucket,
    /// Whether the client has been told it is over the rate since it last was under it.
    told_rate_limited: bool,
    /// Origin of the rate limits' clock.
    started: Instant,
    /// When the client last sent anything, for the idle timeout.
    last_heard: Instant,
}

impl Connection {
    pub fn new(
        socket: WebSocket,
        handler: Handler,
        outbox: OutboxReceiver,
        permit: ConnectionPermit,
        config: ConnectionConfig,
        live: Arc<LiveConnections>,
    ) -> Self {
        let origin = &handler.origin;
        live.insert(
            origin.connection,
            origin.player.id.clone(),
            origin.outbox.clone(),
        );
        Self {
            socket,
            handler,
            outbox,
            config,
            live,
            _permit: permit,
            message_limit: TokenBucket::new(config.message_rate, config.message_burst, 0.0),
            flood_allowance: TokenBucket::new(config.message_rate, FLOOD_ALLOWANCE, 0.0),
            told_rate_limited: false,
            started: Instant::now(),
            last_heard: Instant::now(),
        }
    }

    pub async fn serve(mut self) {
        let welcome = frames::encode(Kind::Welcome(Welcome {
            protocol_version: PROTOCOL_VERSION,
            server_time: clock::now_ms(),
            you: Some(self.handler.participant()),
            role: self.handler.identity().role().as_str().to_owned(),
        }));
        self.reply(welcome);
        self.handler.enter_ticketed_room().await;
        self.handler.report_presence().await;
        let _ = self.run().await;
        let connection = self.handler.origin.connection;
        self.handler.unsubscribe_room_list();
        self.live.remove(connection);
        self.handler.leave().await;
        self.handler.presence_closed().await;
    }

    async fn run(&mut self) -> Result<(), Closed> {
        let mut heartbeat = tokio::time::interval(self.config.idle_timeout / 3);
        heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut items = Vec::with_capacity(WRITE_BATCH);
        let mut frames = Vec::with_capacity(WRITE_BATCH);
        loop {
            tokio::select! {
                count = self.outbox.items.recv_many(&mut items, WRITE_BATCH) => {
                    if count == 0 {
                        return Err(Closed);
                    }
                    self.gather_more(&mut items).await;
                    let asked = take_frames(&mut items, &mut frames);
                    if self.outbox.overflowed() {
                        return self.goodbye(DisconnectReason::TooSlow, CLOSE_POLICY_VIOLATION,
                            "connection too slow to keep up with the room").await;
                    }
                    self.write(&mut frames).await?;
                    if let Some(blocked) = asked.blocks {
                        self.handler.set_blocks(blocked).await;
                    }
                    for which in asked.rejoins {
                        self.handler.rejoin(&which).await;
                    }
                    for room_id in asked.leaves {
                        self.handler.leave_room(&room_id).await;
                    }
                    if asked.profile_changed {
                        self.handler.refresh_profile().await;
                    }
                    self.handler.report_presence().await;
                    match asked.close {
                        Some(Goodbye::ServerRestarting) => {
                            return self.goodbye(DisconnectReason::ServerRestarting,
                                CLOSE_SERVICE_RESTART, "server restarting").await;
                        }
                        Some(Goodbye::BannedFromSite) => {
                            let ban = self.handler.site_ban().await;
                            return self.say(banned_goodbye(ban.as_ref()), CLOSE_POLICY_VIOLATION,
                                BANNED).await;
                        }
                        Some(Goodbye::RolesChanged) => {
                            return self.goodbye(DisconnectReason::RolesChanged,
                                CLOSE_SERVICE_RESTART, "your roles changed; connecting again").await;
                        }
                        None => {}
                    }
                }
                frame = self.socket.recv() => {
                    let Some(Ok(frame)) = frame else { return Err(Closed) };
                    self.last_heard = Instant::now();
                    self.receive(frame).await?;
                }
                _ = heartbeat.tick() => {
                    if self.last_heard.elapsed() >= self.config.idle_timeout {
                        return self.goodbye(DisconnectReason::IdleTimeout, CLOSE_POLICY_VIOLATION,
                            "no sign of life from the client").await;
                    }
                    self.ping().await?;
                }
            }
        }
    }

    /// Lets every other ready task run once, then takes what they queued for this client too,
    /// so that under load one write carries many frames. On an idle server the yield returns
    /// at once: a lone message is not held back.
    async fn gather_more(&mut self, items: &mut Vec<Outgoing>) {
        if items.len() < WRITE_BATCH {
            tokio::task::yield_now().await;
            while items.len() < WRITE_BATCH {
                match self.outbox.items.try_recv() {
                    Ok(item) => items.push(item),
                    Err(_) => break,
                }
            }
        }
    }

    /// Writes every frame taken from the outbox with one flush. A client so slow that its
    /// queue overflows meanwhile, or that accepts nothing for WRITE_TIMEOUT, is dropped
    /// rather than waited for.
    async fn write(&mut self, batch: &mut Vec<Bytes>) -> Result<(), Closed> {
        let socket = &mut self.socket;
        let write_all = async {
            for frame in batch.drain(..) {
                socket.feed(Message::Binary(frame)).await?;
            }
            socket.flush().await
        };
        tokio::pin!(write_all);
        // Nearly every write completes at once; only one that waits needs a deadline.
        if let Poll::Ready(written) = poll_fn(|cx| Poll::Ready(write_all.as_mut().poll(cx))).await {
            return written.map_err(|_| Closed);
        }
        tokio::select! {
            written = tokio::time::timeout(WRITE_TIMEOUT, write_all) => match written {
                Ok(Ok(())) => Ok(()),
                _ => Err(Closed),
            },
            () = self.outbox.wait_for_overflow() => Err(Closed),
        }
    }

    /// A WebSocket ping: browsers answer it by themselves, which keeps `last_heard` fresh.
    async fn ping(&mut self) -> Result<(), Closed> {
        let ping = self.socket.send(Message::Ping(Bytes::new()));
        match tokio::time::timeout(WRITE_TIMEOUT, ping).await {
            Ok(Ok(())) => Ok(()),
            _ => Err(Closed),
        }
    }

    fn reply(&self, frame: Bytes) {
        self.handler.origin.outbox.push(frame);
    }

    fn reply_error(&self, code: ErrorCode, message: impl Into<String>) {
        self.reply(frames::error(code, message));
    }

    async fn receive(&mut self, frame: Message) -> Result<(), Closed> {
        if let Message::Close(_) = frame {
            return Err(Closed);
        }
        // Every frame costs, whatever its kind: pings and text count as much as notes.
        let received_at = clock::now_ms();
        let now = self.started.elapsed().as_secs_f64();
        if !self.message_limit.try_take(now) {
            return self.refuse_for_rate(now).await;
        }
        self.told_rate_limited = false;
        let bytes = match frame {
            Message::Binary(bytes) => bytes,
            Message::Text(_) => {
                self.reply_error(ErrorCode::InvalidMessage, "frames must be binary protobuf");
                return Ok(());
            }
            Message::Close(_) | Message::Ping(_) | Message::Pong(_) => return Ok(()),
        };
        if bytes.len() > MAX_FRAME_BYTES {
            let message = format!(
                "frame of {} bytes exceeds the {MAX_FRAME_BYTES}-byte limit",
                bytes.len()
            );
            self.reply_error(ErrorCode::MessageTooLarge, message);
            return Ok(());
        }
        match ClientMessage::decode(bytes.as_ref()) {
            Ok(ClientMessage {
                kind: Some(request),
            }) => {
                self.handler.handle(request, received_at).await;
                self.handler.report_presence().await;
            }
            Ok(ClientMessage { kind: None }) => {
                self.reply_error(ErrorCode::InvalidMessage, "unknown or empty message");
            }
            Err(error) => {
                self.reply_error(
                    ErrorCode::InvalidMessage,
                    format!("undecodable message: {error}"),
                );
            }
        }
        Ok(())
    }

    /// Over the message rate: the message is dropped, the client told once, and a client that
    /// keeps flooding is cut off.
    async fn refuse_for_rate(&mut self, now: f64) -> Result<(), Closed> {
        if !self.told_rate_limited {
            self.told_rate_limited = true;
            self.reply_error(
                ErrorCode::RateLimited,
                "too many messages; some were dropped",
            );
        }
        if !self.flood_allowance.try_take(now) {
            return self
                .goodbye(
                    DisconnectReason::Flooding,
                    CLOSE_POLICY_VIOLATION,
                    "too many messages",
                )
                .await;
        }
        Ok(())
    }

    /// Tells the client why, then closes. Whatever was still queued is dropped.
    async fn goodbye(
        &mut self,
        reason: DisconnectReason,
        code: u16,
        message: &str,
    ) -> Result<(), Closed> {
        self.say(goodbye(reason, message), code, message).await
    }

    /// Sends `goodbye` and closes with `code` and `close_reason` (at most 123 bytes).
    async fn say(
        &mut self,
        goodbye: Disconnect,
        code: u16,
        close_reason: &str,
    ) -> Result<(), Closed> {
        let said = say_goodbye(&mut self.socket, goodbye, code, close_reason);
        let _ = tokio::time::timeout(GOODBYE_TIMEOUT, said).await;
        Err(Closed)
    }
}

/// What the outbox asked of the connection besides frames to write.
#[derive(Default)]
struct Asked {
    /// Say goodbye and close, after writing the frames.
    close: Option<Goodbye>,
    /// Rooms that may have moved: join them again.
    rejoins: Vec<Rejoin>,
    /// The player's newest block list, for their room.
    blocks: Option<BlockedPlayers>,
    /// Rooms the player asked to leave (through the API).
    leaves: Vec<Arc<str>>,
    /// Whether the player's profile changed elsewhere.
    profile_changed: bool,
}

/// Moves the frames to write into `frames`; answers what else was asked.
fn take_frames(items: &mut Vec<Outgoing>, frames: &mut Vec<Bytes>) -> Asked {
    let mut asked = Asked::default();
    for item in items.drain(..) {
        match item {
            Outgoing::Frame(frame) => frames.push(frame),
            Outgoing::Close(goodbye) => asked.close = Some(goodbye),
            Outgoing::Rejoin(which) => asked.rejoins.push(which),
            Outgoing::Blocks(blocked) => asked.blocks = Some(blocked),
            Outgoing::Leave(room_id) => asked.leaves.push(room_id),
            Outgoing::ProfileChanged => asked.profile_changed = true,
        }
    }
    asked
}

/// For a player over their connection limit: why, then close.
pub async fn refuse_connection(mut socket: WebSocket, message: &str) {
    let goodbye = goodbye(DisconnectReason::TooManyConnections, message);
    say_goodbye(&mut socket, goodbye, CLOSE_POLICY_VIOLATION, message).await;
}

/// For a player whose account is banned from the site: why and until when, then close.
pub async fn refuse_banned(mut socket: WebSocket, ban: Option<&SiteBan>) {
    let goodbye = banned_goodbye(ban);
    let error = frames::error(ErrorCode::Banned, &goodbye.message);
    if socket.send(Message::Binary(error)).await.is_ok() {
        say_goodbye(&mut socket, goodbye, CLOSE_POLICY_VIOLATION, BANNED).await;
    }
}

/// For a client that asked for another protocol version: a clear error, then close.
pub async fn refuse_protocol(mut socket: WebSocket) {
    let message =
        format!("this server speaks protocol version {PROTOCOL_VERSION}; reload the page");
    let error = frames::error(ErrorCode::UnsupportedProtocol, &message);
    if socket.send(Message::Binary(error)).await.is_ok() {
        let goodbye = goodbye(DisconnectReason::ProtocolMismatch, &message);
        say_goodbye(&mut socket, goodbye, CLOSE_PROTOCOL_ERROR, &message).await;
    }
}

/// A goodbye that says no more than why, in `message`.
fn goodbye(reason: DisconnectReason, message: &str) -> Disconnect {
    Disconnect {
        reason: reason as i32,
        message: message.to_owned(),
        ..Default::default()
    }
}

/// Sends `goodbye`, then closes with `code` and `close_reason`.
async fn say_goodbye(socket: &mut WebSocket, goodbye: Disconnect, code: u16, close_reason: &str) {
    let disconnect = frames::encode(Kind::Disconnect(goodbye));
    if socket.send(Message::Binary(disconnect)).await.is_ok() {
        let close = CloseFrame {
            code,
            reason: close_reason.into(),
        };
        let _ = socket.send(Message::Close(Some(close))).await;
    }
}
