//! The client's WebSocket to the real-time server: connects, keeps the clock in sync with
//! periodic time pings, turns server messages into [`Live`] state, and reconnects with
//! backoff (joining the same room again) when the connection drops.
//!
//! - `link`: the transport, a WebSocket in a worker that stamps each frame as it arrives

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};

use leptos::prelude::*;
use pianorhythm_core::{
    protocol::{
        client_message, server_message::Kind, socket_path, ClientMessage, DisconnectReason,
        ErrorCode, LeaveReason, RoomInfo, ServerMessage, TimePing, TimePong,
    },
    time_sync::{ClockSync, SyncSample},
};
use prost::Message;

use super::{instruments, notes, now};
use crate::live::{ConnectionStatus, JoinState, Live};

mod link;

use link::{Event, Link};

/// Pings keep the clock offset fresh; the lowest of the last 16 round trips is trusted, so a
/// ping a second finds a quiet moment of the network within seconds of joining.
const PING_INTERVAL: Duration = Duration::from_secs(1);
const FIRST_RETRY_DELAY_MS: f64 = 500.0;
const MAX_RETRY_DELAY_MS: f64 = 10_000.0;
/// After a refusal for too many connections, retry as after this many failures (the longest
/// delay): the limit lifts only when another tab closes.
const CONNECTION_LIMIT_BACKOFF_ATTEMPTS: u32 = 16;

thread_local! {
    static CLIENT: RefCell<Option<Rc<Client>>> = const { RefCell::new(None) };
}

/// Opens the connection (once per page) and keeps it open.
pub fn connect(live: Live) {
    if CLIENT.with_borrow(Option::is_some) {
        return;
    }
    let client = Rc::new(Client {
        live,
        clock: RefCell::default(),
        failed_attempts: Cell::new(0),
        link: RefCell::new(None),
        pinger: Cell::new(None),
        recreating: Cell::new(false),
        welcomed: Cell::new(false),
    });
    // The worker and the client live as long as the page.
    let link = Link::new({
        let client = client.clone();
        move |event| client.on_event(event)
    });
    match link {
        Ok(link) => {
            client.link.replace(Some(link));
            CLIENT.with_borrow_mut(|slot| *slot = Some(client.clone()));
            client.open();
        }
        Err(error) => {
            web_sys::console::error_2(&"the connection cannot start:".into(), &error);
            client.live.status.set(ConnectionStatus::Offline);
        }
    }
}

/// Sends a message if connected; while offline the action is dropped (the UI shows offline).
pub fn send(message: ClientMessage) {
    CLIENT.with_borrow(|client| {
        if let Some(client) = client {
            client.send(&message);
        }
    });
}

/// The server's clock, as well as we know it.
pub fn server_now() -> f64 {
    to_server_time(now())
}

/// A wall-clock time (ms since the epoch) on the server's clock.
fn to_server_time(local: f64) -> f64 {
    CLIENT.with_borrow(|client| {
        client
            .as_ref()
            .and_then(|c| c.clock.borrow().to_server_time(local))
            .unwrap_or(local)
    })
}

struct Client {
    live: Live,
    clock: RefCell<ClockSync>,
    failed_attempts: Cell<u32>,
    /// The transport, once its worker has started.
    link: RefCell<Option<Link>>,
    /// Pings the server while the connection is open.
    pinger: Cell<Option<IntervalHandle>>,
    /// A vanished room is being created again by this client (until it is joined).
    recreating: Cell<bool>,
    /// Whether a Welcome has come: only the page's first takes the instrument the server
    /// kept; after a drop the page plays on with its own choice.
    welcomed: Cell<bool>,
}

impl Client {
    fn open(self: &Rc<Self>) {
        self.live.status.set(ConnectionStatus::Connecting);
        if let Some(link) = self.link.borrow().as_ref() {
            link.open(&socket_url());
        }
    }

    fn send(&self, message: &ClientMessage) {
        if let Some(link) = self.link.borrow().as_ref() {
            link.send(&message.encode_to_vec());
        }
    }

    fn on_event(self: &Rc<Self>, event: Event) {
        match event {
            Event::Opened => {
                self.failed_attempts.set(0);
                self.send(&ping());
                let client = Rc::downgrade(self);
                let pinger = set_interval_with_handle(
                    move || {
                        if let Some(client) = client.upgrade() {
                            client.send(&ping());
                        }
                    },
                    PING_INTERVAL,
                );
                if let Some(previous) = self.pinger.replace(pinger.ok()) {
                    previous.clear();
                }
            }
            Event::Frame { bytes, arrived_at } => self.receive(&bytes, arrived_at),
            Event::Closed => {
                if let Some(pinger) = self.pinger.take() {
                    pinger.clear();
                }
                self.live.status.set(ConnectionStatus::Offline);
                self.live.answers_lost();
                // The room stays known: on reconnect it is joined again (or brought back).
                self.live.players.set(Vec::new());
                if self.live.wanted_room.get_untracked().is_some() {
                    self.live.join.set(JoinState::Joining);
                }
                self.retry_later();
            }
        }
    }

    /// A frame that arrived at `arrived_at` (wall clock, ms).
    fn receive(&self, bytes: &[u8], arrived_at: f64) {
        match ServerMessage::decode(bytes) {
            Ok(ServerMessage { kind: Some(kind) }) => self.handle(kind, arrived_at),
            Ok(ServerMessage { kind: None }) => {}
            Err(error) => leptos::logging::warn!("undecodable frame from the server: {error}"),
        }
    }

    fn handle(&self, kind: Kind, arrived_at: f64) {
        let live = &self.live;
        match kind {
            Kind::Pong(pong) => self.record_pong(pong, arrived_at),
            Kind::Welcome(welcome) => {
                if !self.welcomed.replace(true) {
                    let kept = welcome.you.as_ref().and_then(|you| you.instrument.clone());
                    instruments::restore(live, kept);
                }
                live.me.set(welcome.you);
                live.role.set(welcome.role);
                // Back after a drop: the list again if this page shows it, and the room this
                // page is about.
                if live.shows_room_list.get_untracked() {
                    live.show_room_list(true);
                }
                if let Some((room, password)) = live.wanted_room.get_untracked() {
                    live.join_room(room, password);
                }
            }
            Kind::RoomList(list) => live.rooms.set(Some(list.rooms)),
            Kind::Inbox(inbox) => {
                if !inbox.notice.is_empty() {
                    live.notify(inbox.notice.clone());
                }
                live.social.update(|news| news.inbox = inbox);
            }
            Kind::FriendPresence(update) => live.social.update(|news| {
                news.friends
                    .retain(|friend| friend.player_id != update.player_id);
                news.friends.push(update);
            }),
            Kind::RoomJoined(joined) => {
                self.recreating.set(false);
                live.room.set(joined.room);
                live.players.set(joined.participants);
                live.chat.set(joined.recent_chat);
                live.join.set(JoinState::Joined);
                live.notice.set(None);
                // A connection starts on the instrument the server kept: if this page plays
                // another (chosen here after a drop, or kept from another tab), the room is told.
                let shown = live
                    .me
                    .with_untracked(|me| me.as_ref().and_then(|me| me.instrument.clone()));
                if live.instrument.get_untracked() != shown {
                    live.announce_instrument();
                }
            }
            Kind::RoomLeft(left) => {
                live.room.set(None);
                live.players.set(Vec::new());
                live.wanted_room.set(None);
                let message = match left.reason() {
                    LeaveReason::Left => return live.join.set(JoinState::Idle),
                    LeaveReason::Kicked => "You were kicked from the room.",
                    LeaveReason::BannedFromRoom => "You were banned from the room.",
                };
                live.join.set(JoinState::Refused {
                    code: ErrorCode::NotAllowed,
                    message: message.to_owned(),
                });
            }
            Kind::ParticipantJoined(joined) => {
                if let Some(participant) = joined.participant {
                    // A second tab of someone here is no arrival.
                    if live.player(&participant.id).is_none() {
                        live.say(format!("{} joined", participant.name));
                    }
                    live.players.update(|players| {
                        players.retain(|p| p.id != participant.id);
                        players.push(participant);
                    });
                }
            }
            Kind::ParticipantLeft(left) => {
                if let Some(player) = live.player(&left.participant_id) {
                    live.say(format!("{} left", player.name));
                }
                notes::forget(&left.participant_id);
                live.players
                    .update(|players| players.retain(|p| p.id != left.participant_id));
            }
            Kind::ParticipantUpdated(updated) => {
                if let Some(participant) = updated.participant {
                    if live
                        .me
                        .with_untracked(|me| me.as_ref().is_some_and(|me| me.id == participant.id))
                    {
                        live.me.set(Some(participant.clone()));
                    }
                    live.players.update(|players| {
                        if let Some(existing) = players.iter_mut().find(|p| p.id == participant.id)
                        {
                            *existing = participant;
                        }
                    });
                }
            }
            Kind::RoomUpdated(updated) => {
                let owner = |room: &Option<RoomInfo>| room.as_ref().map(|r| r.owner_id.clone());
                let (before, after) = (live.room.with_untracked(owner), owner(&updated.room));
                if before.is_some() && after != before {
                    if let Some(player) = live.player(&after.unwrap_or_default()) {
                        live.say(format!("The crown passed to {}", player.name));
                    }
                }
                live.room.set(updated.room);
            }
            Kind::Notes(relayed) => {
                if let Some(batch) = relayed.batch {
                    let received = to_server_time(arrived_at);
                    notes::play_remote(live, &relayed.sender_id, &batch, received);
                }
            }
            Kind::Chat(message) => live.chat_arrived(message),
            Kind::NoteQuota(quota) if quota.dropped > 0 => live.notice.set(Some(format!(
                "Playing too fast: {} notes were not sent (limit {} per second).",
                quota.dropped, quota.rate
            ))),
            Kind::NoteQuota(_) => {}
            Kind::ChatDeleted(deleted) => live
                .chat
                .update(|chat| chat.retain(|message| message.id != deleted.message_id)),
            Kind::MessageAnswer(answer) => live.message_answered(answer),
            Kind::Error(error) => self.handle_error(error.code(), error.message),
            Kind::Disconnect(goodbye) => {
                if goodbye.reason() == DisconnectReason::TooManyConnections {
                    // Trying again at once would be refused again: wait as after many failures.
                    self.failed_attempts.set(CONNECTION_LIMIT_BACKOFF_ATTEMPTS);
                    let notice = "Too many open tabs or connections: close some, and this one \
                                  will reconnect.";
                    live.notice.set(Some(notice.to_owned()));
                } else if goodbye.reason() == DisconnectReason::BannedFromSite {
                    self.failed_attempts.set(CONNECTION_LIMIT_BACKOFF_ATTEMPTS);
                    live.notice.set(Some(goodbye.message));
                } else {
                    live.notice.set(Some(goodbye.message));
                }
            }
        }
    }

    fn handle_error(&self, code: ErrorCode, message: String) {
        let live = &self.live;
        let joining = live.join.get_untracked() == JoinState::Joining;
        let refusal = matches!(
            code,
            ErrorCode::RoomNotFound
                | ErrorCode::RoomFull
                | ErrorCode::WrongPassword
                | ErrorCode::Banned
                | ErrorCode::RoomNameTaken
                // Too many join attempts or rooms created, or a name the server refuses.
                | ErrorCode::RateLimited
                | ErrorCode::InvalidMessage
        );
        if !(joining && refusal) {
            live.notice.set(Some(message));
            return;
        }
        // The room this page was in vanished while we were away (a server restart): bring it
        // back under the same name, with the password we joined it with, rather than leave the
        // players stranded. If another player brought it back first, join theirs. One attempt
        // per join: a room that is still not there afterwards (or whose password changed) is
        // a refusal like any other.
        if code == ErrorCode::RoomNameTaken && self.recreating.get() {
            if let Some((name, password)) = live.wanted_room.get_untracked() {
                live.join_room(name, password);
                return;
            }
        }
        if code == ErrorCode::RoomNotFound && !self.recreating.get() {
            if let Some(previous) = live.room.get_untracked().filter(|room| !room.permanent) {
                self.recreating.set(true);
                let password = live.wanted_room.get_untracked().and_then(|(_, p)| p);
                live.create_room(crate::live::recreated_settings(&previous, password));
                return;
            }
        }
        live.join.set(JoinState::Refused { code, message });
    }

    /// A pong that arrived at `arrived_at` (wall clock, ms). The clock learns from when it
    /// arrived, so the page's own delays do not skew the offset; the ping shown counts up to
    /// now, when the page got to it, so a player sees whether the page keeps up.
    fn record_pong(&self, pong: TimePong, arrived_at: f64) {
        let sample = SyncSample {
            client_send: pong.client_send_time,
            server_receive: pong.server_receive_time,
            server_send: pong.server_send_time,
            client_receive: arrived_at,
        };
        self.clock.borrow_mut().add(sample);
        let ping_ms = SyncSample {
            client_receive: now(),
            ..sample
        }
        .round_trip();
        self.live.status.set(ConnectionStatus::Online { ping_ms });
    }

    /// Exponential backoff with jitter, so a restarted server is not hit by every client at once.
    fn retry_later(self: &Rc<Self>) {
        let attempts = self.failed_attempts.get();
        self.failed_attempts.set(attempts.saturating_add(1));
        let backoff =
            (FIRST_RETRY_DELAY_MS * 2f64.powi(attempts.min(16) as i32)).min(MAX_RETRY_DELAY_MS);
        let delay = backoff * (0.5 + js_sys::Math::random() / 2.0);
        let client = self.clone();
        set_timeout(move || client.open(), Duration::from_millis(delay as u64));
    }
}

/// A clock-sync ping, stamped now. Its pong is timed on the page's main thread, when the page
/// gets to it: the ping shown is how long the page takes to hear back, its own delays included.
fn ping() -> ClientMessage {
    ClientMessage::from_kind(client_message::Kind::Ping(TimePing {
        client_send_time: now(),
    }))
}

fn socket_url() -> String {
    let location = window().location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    format!(
        "{scheme}://{}{}",
        location.host().unwrap_or_default(),
        socket_path()
    )
}
