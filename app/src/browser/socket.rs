//! The client's WebSocket to the real-time server: connects, keeps the clock in sync with
//! periodic time pings, reports its state to the UI and reconnects with backoff when it drops.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
    time::Duration,
};

use leptos::prelude::*;
use pianorhythm_core::{
    protocol::{
        client_message, server_message, socket_path, ClientMessage, ServerMessage, TimePing,
        TimePong,
    },
    time_sync::{ClockSync, SyncSample},
};
use prost::Message;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{BinaryType, MessageEvent, WebSocket};

use crate::components::connection::ConnectionStatus;

const PING_INTERVAL: Duration = Duration::from_secs(2);
const FIRST_RETRY_DELAY_MS: f64 = 500.0;
const MAX_RETRY_DELAY_MS: f64 = 10_000.0;

/// Opens the connection and keeps it open for the lifetime of the page.
pub fn connect(status: WriteSignal<ConnectionStatus>) {
    let client = Rc::new(Client {
        status,
        clock: RefCell::default(),
        failed_attempts: Cell::new(0),
    });
    client.open();
}

struct Client {
    status: WriteSignal<ConnectionStatus>,
    clock: RefCell<ClockSync>,
    failed_attempts: Cell<u32>,
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
        self.status.set(ConnectionStatus::Connecting);
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
                client.status.set(ConnectionStatus::Offline);
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
    }

    fn receive(&self, event: MessageEvent) {
        let Ok(buffer) = event.data().dyn_into::<js_sys::ArrayBuffer>() else {
            leptos::logging::warn!("ignoring a non-binary frame from the server");
            return;
        };
        let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
        match ServerMessage::decode(bytes.as_slice()).map(|message| message.kind) {
            Ok(Some(server_message::Kind::Pong(pong))) => self.record_pong(pong),
            Ok(Some(server_message::Kind::Welcome(_))) => {}
            Ok(Some(server_message::Kind::Error(error))) => {
                leptos::logging::warn!("server error {:?}: {}", error.code(), error.message);
            }
            Ok(Some(server_message::Kind::Disconnect(goodbye))) => {
                leptos::logging::log!("server closing the connection: {}", goodbye.message);
            }
            // Rooms, notes and chat are handled by the room page.
            Ok(Some(_) | None) => {}
            Err(error) => leptos::logging::warn!("undecodable frame from the server: {error}"),
        }
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
            self.status.set(ConnectionStatus::Online { ping_ms });
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

/// Wall-clock milliseconds since the Unix epoch, with the monotonic timer's precision.
fn now() -> f64 {
    let performance = window()
        .performance()
        .expect("performance is available in browsers");
    performance.time_origin() + performance.now()
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
