//! The client's WebSocket to the real-time server: connects, keeps the clock in sync with
//! periodic time pings, turns server messages into [`Live`] state, and reconnects with
//! backoff (joining the same room again) when the connection drops.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};

use leptos::prelude::*;
use pianorhythm_core::{
    protocol::{
        client_message, server_message::Kind, socket_path, ClientMessage, DisconnectReason,
        ErrorCode, LeaveReason, ServerMessage, TimePing, TimePong,
    },
    time_sync::{ClockSync, SyncSample},
};
use prost::Message;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{BinaryType, MessageEvent, WebSocket};

use super::{instruments, notes, now};
use crate::live::{ConnectionStatus, JoinState, Live};

const PING_INTERVAL: Duration = Duration::from_secs(2);
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
        socket: RefCell::new(None),
        recreating: Cell::new(false),
        welcomed: Cell::new(false),
    });
    CLIENT.with_borrow_mut(|slot| *slot = Some(client.clone()));
    client.open();
}

/// Sends a message if connected; while offline the action is dropped (the UI shows offline).
pub fn send(message: ClientMessage) {
    let socket =
        CLIENT.with_borrow(|client| client.as_ref().and_then(|c| c.socket.borrow().clone()));
    if let Some(socket) = socket {
        if socket.ready_state() == WebSocket::OPEN {
            let _ = socket.send_with_u8_array(&message.encode_to_vec());
        }
    }
}

/// The server's clock, as well as we know it.
pub fn server_now() -> f64 {
    let local = now();
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
    socket: RefCell<Option<WebSocket>>,
    /// A vanished room is being created again by this client (until it is joined).
    recreating: Cell<bool>,
    /// Whether a Welcome has come: only the page's first takes the instrument the server
    /// kept; after a drop the page plays on with its own choice.
    welcomed: Cell<bool>,
}

/// The JS callbacks of one socket; they must live exactly as long as that socket is open.
struct Handlers {
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut()>,
    pinger: Option<IntervalHandle>,
}

impl Client {
    fn open(self: &Rc<Self>) {
        self.live.status.set(ConnectionStatus::Connecting);
        let Ok(socket) = WebSocket::new(&socket_url()) else {
            self.retry_later();
            return;
        };
        socket.set_binary_type(BinaryType::Arraybuffer);
        let handlers: Rc<RefCell<Option<Handlers>>> = Rc::default();

        let on_open = Closure::<dyn FnMut()>::new({
            let (client, socket, handlers) = (self.clone(), socket.clone(), handlers.clone());
            move || {
                client.failed_attempts.set(0);
                send_ping(&socket);
                let socket = socket.clone();
                let pinger = set_interval_with_handle(move || send_ping(&socket), PING_INTERVAL);
                if let Some(handlers) = handlers.borrow_mut().as_mut() {
                    handlers.pinger = pinger.ok();
                }
            }
        });
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
            let client = self.clone();
            move |event: MessageEvent| client.receive(event)
        });
        let on_close = Closure::<dyn FnMut()>::new({
            let (client, handlers) = (self.clone(), handlers.clone());
            move || {
                let finished = handlers.borrow_mut().take();
                if let Some(pinger) = finished.as_ref().and_then(|h| h.pinger) {
                    pinger.clear();
                }
                // A closure must not free itself while running: drop them on the next tick.
                set_timeout(move || drop(finished), Duration::ZERO);
                client.socket.replace(None);
                client.live.status.set(ConnectionStatus::Offline);
                // The room stays known: on reconnect it is joined again (or brought back).
                client.live.players.set(Vec::new());
                if client.live.wanted_room.get_untracked().is_some() {
                    client.live.join.set(JoinState::Joining);
                }
                client.retry_later();
            }
        });

        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        *handlers.borrow_mut() = Some(Handlers {
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
            pinger: None,
        });
        self.socket.replace(Some(socket));
    }

    fn receive(&self, event: MessageEvent) {
        let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() else {
            leptos::logging::warn!("ignoring a non-binary frame from the server");
            return;
        };
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        match ServerMessage::decode(bytes.as_slice()) {
            Ok(ServerMessage { kind: Some(kind) }) => self.handle(kind),
            Ok(ServerMessage { kind: None }) => {}
            Err(error) => leptos::logging::warn!("undecodable frame from the server: {error}"),
        }
    }

    fn handle(&self, kind: Kind) {
        let live = &self.live;
        match kind {
            Kind::Pong(pong) => self.record_pong(pong),
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
                    live.players.update(|players| {
                        players.retain(|p| p.id != participant.id);
                        players.push(participant);
                    });
                }
            }
            Kind::ParticipantLeft(left) => {
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
            Kind::RoomUpdated(updated) => live.room.set(updated.room),
            Kind::Notes(relayed) => {
                if let Some(batch) = relayed.batch {
                    notes::play_remote(live, &relayed.sender_id, &batch);
                }
            }
            Kind::Chat(message) => live.chat.update(|chat| {
                chat.push(message);
                let excess = chat.len().saturating_sub(200);
                chat.drain(..excess);
            }),
            Kind::NoteQuota(quota) if quota.dropped > 0 => live.notice.set(Some(format!(
                "Playing too fast: {} notes were not sent (limit {} per second).",
                quota.dropped, quota.rate
            ))),
            Kind::NoteQuota(_) => {}
            Kind::ChatDeleted(deleted) => live
                .chat
                .update(|chat| chat.retain(|message| message.id != deleted.message_id)),
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

    fn record_pong(&self, pong: TimePong) {
        let mut clock = self.clock.borrow_mut();
        clock.add(SyncSample {
            client_send: pong.client_send_time,
            server_receive: pong.server_receive_time,
            server_send: pong.server_send_time,
            client_receive: now(),
        });
        if let Some(ping_ms) = clock.latest_round_trip() {
            self.live.status.set(ConnectionStatus::Online { ping_ms });
        }
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

fn send_ping(socket: &WebSocket) {
    let ping = ClientMessage::from_kind(client_message::Kind::Ping(TimePing {
        client_send_time: now(),
    }));
    // A send on a socket that is closing fails harmlessly; on_close handles the rest.
    let _ = socket.send_with_u8_array(&ping.encode_to_vec());
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
