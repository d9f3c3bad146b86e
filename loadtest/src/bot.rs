//! One simulated player: connects, gets into its room, then listens for relayed notes and, if
//! it is a sender, plays on its schedule while the window is open: one note-on per tick, or
//! with `--music` a step of its [`Music`] per tick, everything released when the window shuts.

use std::{rc::Rc, time::Duration};

use futures_util::{SinkExt, StreamExt};
use pianorhythm_core::protocol::{server_message, socket_path, ErrorCode, ServerMessage};
use prost::Message as _;
use tokio::{
    net::TcpStream,
    sync::watch,
    time::{self, Instant, Interval, MissedTickBehavior},
};
use tokio_tungstenite::{
    tungstenite::{protocol::WebSocketConfig, Message},
    MaybeTlsStream, WebSocketStream,
};

use crate::{
    clock,
    music::{self, Music},
    plan::Schedule,
    stats::Stats,
    wire::{self, Target},
};

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The server may drop connections silent for about a minute; a ping every 10 s is well inside.
const PING_EVERY: Duration = Duration::from_secs(10);
/// Connecting and joining should take milliseconds; this only catches a wedged server.
const SETUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Read buffer per bot. tungstenite zero-fills the whole buffer before every read, so a big
/// one costs a large memset per frame at this trickle of tiny frames; 8 KiB still holds
/// hundreds of queued notes.
const BOT_READ_BUFFER: usize = 8 * 1024;

/// What every bot is told by the orchestrator, through a `watch` channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Connected and in the room; waiting for everyone else.
    Waiting,
    /// The measurement window: senders play from `start` until `end`.
    Running { start: Instant, end: Instant },
    /// Measurement over: close the connection.
    Stopped,
}

/// How a bot gets into its room on the real server.
#[derive(Clone, Debug)]
pub enum Entry {
    /// Join the room of this name.
    Join(String),
    /// Create the room with this capacity and note quota (joining it if it already exists).
    Create {
        /// The room's name.
        room: String,
        /// Players it may hold.
        max_players: u32,
        /// Notes per second each player may play in it.
        note_rate: u32,
    },
}

/// WebSocket settings for bots: `read_buffer_size` is allocated up front per connection, and
/// 128 KiB (the default) times thousands of idle connections would dwarf the server's memory.
pub fn socket_config(read_buffer_size: usize) -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(read_buffer_size)
}

/// Opens a WebSocket with Nagle off, so a lone note is not held back waiting for an ACK.
async fn open(url: &str, config: WebSocketConfig) -> Result<Socket, String> {
    let (socket, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true)
        .await
        .map_err(|error| format!("cannot connect to {url}: {error}"))?;
    Ok(socket)
}

/// Reads server messages until `accept` picks one; a Disconnect or a closed socket is an error,
/// and so is an Error message unless `accept` handles it (returning `Some`).
pub async fn await_server<T>(
    socket: &mut Socket,
    mut accept: impl FnMut(&server_message::Kind) -> Option<Result<T, String>>,
) -> Result<T, String> {
    while let Some(frame) = socket.next().await {
        let frame = frame.map_err(|error| format!("connection failed: {error}"))?;
        let Message::Binary(bytes) = frame else {
            continue;
        };
        let Some(kind) = ServerMessage::decode(bytes)
            .map_err(|error| format!("undecodable server message: {error}"))?
            .kind
        else {
            continue;
        };
        if let Some(result) = accept(&kind) {
            return result;
        }
        match kind {
            server_message::Kind::Error(error) => {
                return Err(format!(
                    "server error {:?}: {}",
                    error.code(),
                    error.message
                ))
            }
            server_message::Kind::Disconnect(disconnect) => {
                return Err(format!("disconnected: {}", disconnect.message))
            }
            _ => {}
        }
    }
    Err("connection closed".into())
}

/// Connects to the real server and waits for its Welcome: the whole life of an idle connection.
pub async fn connect_welcomed(base: &str, config: WebSocketConfig) -> Result<Socket, String> {
    let mut socket = open(&format!("{base}{}", socket_path()), config).await?;
    time::timeout(
        SETUP_TIMEOUT,
        await_server(&mut socket, |kind| {
            matches!(kind, server_message::Kind::Welcome(_)).then_some(Ok(()))
        }),
    )
    .await
    .map_err(|_| "no Welcome within 30 s".to_owned())??;
    Ok(socket)
}

/// Connects and gets into the room: Welcome, then create or join, then RoomJoined. For the
/// relay the room is simply the URL path and there is nothing to wait for.
pub async fn connect(target: Target, base: &str, entry: &Entry) -> Result<Socket, String> {
    let config = socket_config(BOT_READ_BUFFER);
    match target {
        Target::Relay => {
            let room = match entry {
                Entry::Join(room) | Entry::Create { room, .. } => room,
            };
            open(&format!("{base}/{room}"), config).await
        }
        Target::Server => {
            let mut socket = connect_welcomed(base, config).await?;
            time::timeout(SETUP_TIMEOUT, enter_room(&mut socket, entry))
                .await
                .map_err(|_| "no RoomJoined within 30 s".to_owned())??;
            Ok(socket)
        }
    }
}

async fn enter_room(socket: &mut Socket, entry: &Entry) -> Result<(), String> {
    let (room, first_request) = match entry {
        Entry::Join(room) => (room, wire::join(room)),
        Entry::Create {
            room,
            max_players,
            note_rate,
        } => (room, wire::create(room, *max_players, *note_rate)),
    };
    send(socket, first_request).await?;
    let mut retried_as_join = false;
    loop {
        // A room left over from an earlier run against the same server: just join it.
        let taken = await_server(socket, |kind| match kind {
            server_message::Kind::RoomJoined(_) => Some(Ok(false)),
            server_message::Kind::Error(error)
                if error.code() == ErrorCode::RoomNameTaken && !retried_as_join =>
            {
                Some(Ok(true))
            }
            _ => None,
        })
        .await
        .map_err(|error| format!("cannot enter room {room}: {error}"))?;
        if !taken {
            return Ok(());
        }
        retried_as_join = true;
        send(socket, wire::join(room)).await?;
    }
}

async fn send(socket: &mut Socket, frame: Vec<u8>) -> Result<(), String> {
    socket
        .send(Message::binary(frame))
        .await
        .map_err(|error| format!("send failed: {error}"))
}

/// A sender's part: its schedule, and how many listeners each of its notes should reach.
#[derive(Clone, Copy, Debug)]
pub struct Playing {
    /// When it plays.
    pub schedule: Schedule,
    /// Listeners each note should reach.
    pub fanout: u64,
    /// Of those, the ones on another instance (reached over the bus).
    pub crossing_fanout: u64,
    /// With `--music`: what it plays instead of one note-on per tick.
    pub music: Option<Music>,
}

impl Playing {
    /// The frame of tick `step` (counted from 0) stamped `now_ms`, with its note-on count;
    /// `None` when the step plays nothing (a chord ringing).
    fn frame(&self, step: u64, now_ms: f64, instance: u32) -> Option<(Vec<u8>, u64)> {
        match self.music {
            Some(music) => {
                let events = music.step(step);
                let notes = music::note_ons(&events);
                (!events.is_empty()).then(|| (wire::batch(now_ms, events), notes))
            }
            None => Some((wire::note(now_ms, 48 + (step % 36) as u32, instance), 1)),
        }
    }
}

/// The bot's life after setup: count relayed notes, play on schedule, ping now and then,
/// until told to stop. `instance` is the instance it is connected to: notes tell which one
/// their sender is on.
pub async fn run(
    mut socket: Socket,
    target: Target,
    instance: u32,
    playing: Option<Playing>,
    stats: Rc<Stats>,
    mut phase: watch::Receiver<Phase>,
) {
    let mut ping = time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    ping.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut notes: Option<Interval> = None;
    let mut window_end = Instant::now();
    let mut step = 0u64;
    loop {
        tokio::select! {
            frame = socket.next() => match frame {
                Some(Ok(Message::Binary(bytes))) => {
                    // Outside the window there is nothing to count, so skip decoding.
                    if stats.counting() {
                        if let Some(note) = wire::relayed_note(target, &bytes) {
                            let crossed = note.sender_instance != instance;
                            stats.notes_received(note.note_ons, note.sent_ms, clock::now_ms(), crossed);
                        }
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            changed = phase.changed() => {
                if changed.is_err() {
                    break;
                }
                let current = *phase.borrow_and_update();
                match current {
                    Phase::Running { start, end } => {
                        if let Some(playing) = playing {
                            let mut ticker = time::interval_at(
                                start + playing.schedule.phase,
                                playing.schedule.period,
                            );
                            // A late tick is dropped, never made up with a burst.
                            ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
                            notes = Some(ticker);
                            window_end = end;
                        }
                    }
                    Phase::Stopped => {
                        let _ = time::timeout(Duration::from_secs(1), socket.close(None)).await;
                        return;
                    }
                    Phase::Waiting => {}
                }
            },
            _ = async { notes.as_mut().expect("guarded").tick().await }, if notes.is_some() => {
                let Some(playing) = playing else { continue };
                if Instant::now() >= window_end {
                    notes = None;
                    if let Some(music) = playing.music {
                        let ending = wire::batch(clock::now_ms(), music.ending(step));
                        if send(&mut socket, ending).await.is_err() {
                            break;
                        }
                    }
                    continue;
                }
                let frame = playing.frame(step, clock::now_ms(), instance);
                step += 1;
                let Some((frame, note_ons)) = frame else { continue };
                if send(&mut socket, frame).await.is_err() {
                    break;
                }
                stats.notes_sent(note_ons, playing.fanout, playing.crossing_fanout);
            },
            _ = ping.tick(), if target == Target::Server => {
                if send(&mut socket, wire::ping(clock::now_ms())).await.is_err() {
                    break;
                }
            },
        }
    }
    // Only an unexpected end gets here (Stopped returns above).
    stats.bot_disconnected();
}
