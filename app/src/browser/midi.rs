//! Web MIDI input: asked for on a user action, lists the inputs, remembers the chosen one,
//! follows devices being plugged in and out, and plays what the keyboard sends.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MidiAccess, MidiInput, MidiMessageEvent};

use super::storage;
use crate::live::{Live, MidiState};

const REMEMBERED_INPUT: &str = "pianorhythm.midi-input";

struct Midi {
    access: MidiAccess,
    _on_state_change: Closure<dyn FnMut()>,
    on_message: Closure<dyn FnMut(MidiMessageEvent)>,
    /// The input currently listened to.
    listening: Option<MidiInput>,
}

thread_local! {
    static MIDI: RefCell<Option<Midi>> = const { RefCell::new(None) };
}

/// Asks the browser for MIDI access (call from a click) and starts listening.
pub fn request(live: Live) {
    live.midi.update(|midi| {
        midi.requested = true;
        midi.error = None;
    });
    leptos::task::spawn_local(async move {
        match access().await {
            Ok(access) => install(live, access),
            Err(message) => live.midi.update(|midi| midi.error = Some(message)),
        }
    });
}

async fn access() -> Result<MidiAccess, String> {
    let navigator = window().navigator();
    let supported =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("requestMIDIAccess")).unwrap_or(false);
    if !supported {
        return Err("This browser does not support Web MIDI. Try Chrome or Edge.".into());
    }
    let promise = navigator
        .request_midi_access()
        .map_err(|_| "The browser refused MIDI access.".to_owned())?;
    let access = JsFuture::from(promise)
        .await
        .map_err(|error| refusal_message(&error))?;
    Ok(access.unchecked_into())
}

fn refusal_message(error: &JsValue) -> String {
    let detail = js_sys::Reflect::get(error, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_default();
    format!("MIDI access was refused ({detail}). Allow MIDI for this site and try again.")
}

fn install(live: Live, access: MidiAccess) {
    let on_state_change = Closure::<dyn FnMut()>::new({
        let live = live.clone();
        move || refresh(&live)
    });
    access.set_onstatechange(Some(on_state_change.as_ref().unchecked_ref()));
    let on_message = Closure::<dyn FnMut(MidiMessageEvent)>::new({
        let live = live.clone();
        move |event: MidiMessageEvent| {
            if let Ok(data) = event.data() {
                handle(&live, &data);
            }
        }
    });
    MIDI.with_borrow_mut(|midi| {
        *midi = Some(Midi {
            access,
            _on_state_change: on_state_change,
            on_message,
            listening: None,
        });
    });
    refresh(&live);
}

/// Re-reads the inputs (after access or a hot-plug) and listens to the chosen one.
fn refresh(live: &Live) {
    let inputs =
        MIDI.with_borrow(|midi| midi.as_ref().map(|m| inputs(&m.access)).unwrap_or_default());
    let names: Vec<(String, String)> = inputs
        .iter()
        .map(|input| (input.id(), input.name().unwrap_or_else(|| input.id())))
        .collect();
    let wanted = live
        .midi
        .with_untracked(|midi| midi.selected.clone())
        .or_else(|| storage::get(REMEMBERED_INPUT))
        .filter(|id| names.iter().any(|(candidate, _)| candidate == id))
        .or_else(|| names.first().map(|(id, _)| id.clone()));
    live.midi.update(|midi| {
        midi.inputs = names.clone();
        midi.selected = wanted.clone();
        midi.error = names
            .is_empty()
            .then(|| "No MIDI input found. Connect a keyboard; it will appear here.".to_owned());
    });
    listen(wanted.and_then(|id| inputs.into_iter().find(|input| input.id() == id)));
}

/// The player picked an input from the list.
pub fn select(live: &Live, id: String) {
    storage::set(REMEMBERED_INPUT, &id);
    live.midi
        .update(|midi: &mut MidiState| midi.selected = Some(id));
    refresh(live);
}

fn listen(input: Option<MidiInput>) {
    MIDI.with_borrow_mut(|midi| {
        let Some(midi) = midi else { return };
        if let Some(previous) = midi.listening.take() {
            previous.set_onmidimessage(None);
        }
        if let Some(input) = input {
            input.set_onmidimessage(Some(midi.on_message.as_ref().unchecked_ref()));
            midi.listening = Some(input);
        }
    });
}

fn inputs(access: &MidiAccess) -> Vec<MidiInput> {
    let mut found = Vec::new();
    let map: js_sys::Map = access.inputs().unchecked_into();
    map.for_each(&mut |value, _key| found.push(value.unchecked_into::<MidiInput>()));
    found
}

/// Note on/off with velocity and the sustain pedal; everything else is ignored.
fn handle(live: &Live, data: &[u8]) {
    let [status, key, value, ..] = *data else {
        return;
    };
    match (status & 0xF0, value) {
        (0x90, 0) | (0x80, _) => live.play(key, 0, false),
        (0x90, velocity) => live.play(key, velocity, true),
        (0xB0, _) if key == 64 => live.pedal(value >= 64),
        _ => {}
    }
}
