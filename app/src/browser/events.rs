//! The `pianorhythm:note` DOM event: every note the client plays or schedules, for tests and
//! visualisers (`window.addEventListener("pianorhythm:note", …)`).

use js_sys::{Object, Reflect};
use leptos::prelude::window;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit};

pub struct NoteEvent<'a> {
    pub source: &'static str,
    pub sender: &'a str,
    pub note: u8,
    pub velocity: u8,
    pub on: bool,
    pub sent_at: f64,
    /// When the frame arrived (server time, ms), stamped by the socket's worker.
    pub received_at: f64,
    /// When the page got to it and scheduled it (server time, ms): the page's own delay is
    /// `handled_at - received_at`.
    pub handled_at: f64,
    pub scheduled_at: f64,
    /// What sounded it ("piano" for a sample, "synth"); `None` when nothing did (a note off,
    /// a muted player, audio not started yet).
    pub voice: Option<&'static str>,
}

thread_local! {
    /// The detail's field names as JavaScript strings, made once: a string crossing into
    /// JavaScript is decoded each time, and a dense room dispatches thousands of these
    /// events a second.
    static FIELDS: [JsValue; 10] = [
        "source", "sender", "note", "velocity", "on", "sentAt", "receivedAt", "handledAt",
        "scheduledAt", "voice",
    ]
    .map(JsValue::from);
}

pub fn dispatch(event: NoteEvent) {
    let detail = Object::new();
    let values: [JsValue; 10] = [
        event.source.into(),
        event.sender.into(),
        event.note.into(),
        event.velocity.into(),
        event.on.into(),
        event.sent_at.into(),
        event.received_at.into(),
        event.handled_at.into(),
        event.scheduled_at.into(),
        event.voice.map_or(JsValue::NULL, JsValue::from),
    ];
    FIELDS.with(|fields| {
        for (name, value) in fields.iter().zip(values) {
            let _ = Reflect::set(&detail, name, &value);
        }
    });
    let init = CustomEventInit::new();
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict("pianorhythm:note", &init) {
        let _ = window().dispatch_event(&event);
    }
}
