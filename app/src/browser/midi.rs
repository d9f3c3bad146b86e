//! Web MIDI: asked for on a user action, lists the inputs and outputs, remembers the chosen
//! ones, follows devices being plugged in and out, plays what the input keyboard sends, and
//! sends the room's notes to the chosen output (a digital piano or a synth), each at the time
//! it is heard here.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{MidiAccess, MidiInput, MidiMessageEvent, MidiOutput};

use super::storage;
use crate::live::{Live, MidiState};

const REMEMBERED_INPUT: &str = "pianorhythm.midi-input";
/// The chosen output's id; empty once the player turned it off.
const REMEMBERED_OUTPUT: &str = "pianorhythm.midi-output";

struct Midi {
    /// The browser's MIDI access: its devices, and news of them coming and going.
    access: MidiAccess,
    /// Kept alive while installed: re-reads the devices when they change.
    _on_state_change: Closure<dyn FnMut()>,
    /// Handed to the input listened to.
    on_message: Closure<dyn FnMut(MidiMessageEvent)>,
    /// The input currently listened to.
    listening: Option<MidiInput>,
    /// The output the room's notes go to.
    sending: Option<MidiOutput>,
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
            sending: None,
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
    refresh_outputs(live);
}

/// Re-reads the outputs and sends to the chosen one, if it is connected; an output is never
/// chosen for the player.
fn refresh_outputs(live: &Live) {
    let outputs = MIDI.with_borrow(|midi| {
        midi.as_ref()
            .map(|m| outputs(&m.access))
            .unwrap_or_default()
    });
    let names: Vec<(String, String)> = outputs
        .iter()
        .map(|output| (output.id(), output.name().unwrap_or_else(|| output.id())))
        .collect();
    let wanted = live
        .midi
        .with_untracked(|midi| midi.selected_output.clone())
        .or_else(|| storage::get(REMEMBERED_OUTPUT))
        .filter(|id| names.iter().any(|(candidate, _)| candidate == id));
    live.midi.update(|midi| {
        midi.outputs = names;
        midi.selected_output = wanted.clone();
    });
    let output = wanted.and_then(|id| outputs.into_iter().find(|output| output.id() == id));
    MIDI.with_borrow_mut(|midi| {
        if let Some(midi) = midi {
            midi.sending = output;
        }
    });
}

/// The player picked an input from the list.
pub fn select(live: &Live, id: String) {
    storage::set(REMEMBERED_INPUT, &id);
    live.midi
        .update(|midi: &mut MidiState| midi.selected = Some(id));
    refresh(live);
}

/// The player picked an output (`None`: off).
pub fn select_output(live: &Live, id: Option<String>) {
    storage::set(REMEMBERED_OUTPUT, id.as_deref().unwrap_or_default());
    live.midi.update(|midi| midi.selected_output = id);
    refresh_outputs(live);
}

/// Sends a message to the chosen output, if any, at `at_ms` on the page's clock
/// (`performance.now()`).
pub fn send(message: &[u8], at_ms: f64) {
    MIDI.with_borrow(|midi| {
        if let Some(output) = midi.as_ref().and_then(|midi| midi.sending.as_ref()) {
            let data = js_sys::Uint8Array::from(message);
            if let Err(error) = output.send_with_timestamp(&data, at_ms) {
                leptos::logging::warn!("cannot send to the MIDI output: {error:?}");
            }
        }
    });
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
    devices(access.inputs().unchecked_into())
}

fn outputs(access: &MidiAccess) -> Vec<MidiOutput> {
    devices(access.outputs().unchecked_into())
}

/// The devices of a MIDI port map (a JavaScript `Map` of id to port).
fn devices<T: JsCast>(map: js_sys::Map) -> Vec<T> {
    let mut found = Vec::new();
    map.for_each(&mut |value, _key| found.push(value.unchecked_into::<T>()));
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
