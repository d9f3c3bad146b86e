//! The connection's transport: a WebSocket held by a dedicated worker (`socket-worker.js`), so
//! that each frame is stamped with the moment it arrived rather than the moment the page's
//! busy main thread got to it. Only bytes pass here; what they mean is the client's business.

use std::{cell::Cell, rc::Rc};

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// The worker's script, copied beside the bundle by the build.
const WORKER: &str = "/pkg/socket-worker.js";

/// What the worker reports.
pub enum Event {
    /// The connection is open.
    Opened,
    /// A frame, with the wall-clock time (ms since the epoch) it arrived at.
    Frame { bytes: Vec<u8>, arrived_at: f64 },
    /// The connection closed (or never opened).
    Closed,
}

/// The worker and whether its connection is open.
pub struct Link {
    /// The worker holding the WebSocket.
    worker: Worker,
    /// Whether the connection is open: sends are dropped otherwise, as on a closed socket.
    open: Rc<Cell<bool>>,
    /// The worker's reports go through this callback; it lives as long as the worker.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Link {
    /// Starts the worker; `on_event` hears what it reports.
    pub fn new(mut on_event: impl FnMut(Event) + 'static) -> Result<Self, JsValue> {
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Classic);
        let worker = Worker::new_with_options(WORKER, &options)?;
        let open = Rc::new(Cell::new(false));
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new({
            let open = open.clone();
            move |message: MessageEvent| {
                let Some(event) = event_of(&message.data()) else {
                    return;
                };
                match event {
                    Event::Opened => open.set(true),
                    Event::Closed => open.set(false),
                    Event::Frame { .. } => {}
                }
                on_event(event);
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        Ok(Self {
            worker,
            open,
            _on_message: on_message,
        })
    }

    /// Connects to `url`, replacing any connection there was.
    pub fn open(&self, url: &str) {
        self.open.set(false);
        self.post("open", &url.into(), None);
    }

    /// Sends a frame if the connection is open; otherwise it is dropped.
    pub fn send(&self, bytes: &[u8]) {
        if self.open.get() {
            let buffer = Uint8Array::from(bytes).buffer();
            self.post("send", &buffer, Some(&buffer));
        }
    }

    /// Hands `{name: value}` to the worker, moving `transfer` rather than copying it.
    fn post(&self, name: &str, value: &JsValue, transfer: Option<&ArrayBuffer>) {
        let message = Object::new();
        let _ = Reflect::set(&message, &name.into(), value);
        let _ = match transfer {
            Some(buffer) => self
                .worker
                .post_message_with_transfer(&message, &Array::of1(buffer)),
            None => self.worker.post_message(&message),
        };
    }
}

/// The report in a message from the worker; `None` for anything else.
fn event_of(data: &JsValue) -> Option<Event> {
    let field = |name: &str| Reflect::get(data, &name.into()).ok();
    if let Some(frame) = field("frame").and_then(|frame| frame.dyn_into::<ArrayBuffer>().ok()) {
        return Some(Event::Frame {
            bytes: Uint8Array::new(&frame).to_vec(),
            arrived_at: field("at")?.as_f64()?,
        });
    }
    if field("opened").is_some_and(|value| value.is_truthy()) {
        return Some(Event::Opened);
    }
    if field("closed").is_some_and(|value| value.is_truthy()) {
        return Some(Event::Closed);
    }
    None
}
