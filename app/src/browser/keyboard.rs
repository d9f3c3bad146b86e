//! Playing with the computer keyboard, in the chosen layout, with octave shift; and making
//! sure no note is left hanging when the page loses focus.

use std::{cell::RefCell, collections::HashMap};

use leptos::{ev, prelude::*};
use pianorhythm_core::keyboard_layout::Layout;
use wasm_bindgen::JsCast;
use web_sys::KeyboardEvent;

use super::storage;
use crate::live::Live;

const REMEMBERED_LAYOUT: &str = "pianorhythm.keyboard-layout";
const KEYBOARD_VELOCITY: u8 = 100;
const MAX_OCTAVE_SHIFT: i8 = 3;

thread_local! {
    /// Physical keys held down and the note each started, so the right note stops even if
    /// the octave changed in between.
    static HELD: RefCell<HashMap<String, u8>> = RefCell::default();
}

/// Listens to the whole window while the app is mounted.
pub fn install(live: Live) {
    if let Some(layout) = storage::get(REMEMBERED_LAYOUT).and_then(|id| Layout::from_id(&id)) {
        live.layout.set(layout);
    }
    let on_down = window_event_listener(ev::keydown, {
        let live = live.clone();
        move |event| key_down(&live, &event)
    });
    let on_up = window_event_listener(ev::keyup, {
        let live = live.clone();
        move |event| key_up(&live, &event)
    });
    let on_blur = window_event_listener(ev::blur, move |_| release_all(&live));
    on_cleanup(move || {
        on_down.remove();
        on_up.remove();
        on_blur.remove();
    });
}

pub fn choose_layout(live: &Live, layout: Layout) {
    storage::set(REMEMBERED_LAYOUT, layout.id());
    live.layout.set(layout);
}

/// Typing in a text field is not playing.
fn typing(event: &KeyboardEvent) -> bool {
    let Some(target) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return false;
    };
    matches!(target.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
        || target.has_attribute("contenteditable")
}

fn key_down(live: &Live, event: &KeyboardEvent) {
    if typing(event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
        return;
    }
    match event.code().as_str() {
        "ArrowLeft" => return shift_octave(live, -1),
        "ArrowRight" => return shift_octave(live, 1),
        _ => {}
    }
    if event.repeat() {
        event.prevent_default();
        return;
    }
    let code = event.code();
    let Some(base) = live.layout.get_untracked().note(&code, event.shift_key()) else {
        return;
    };
    let note = i16::from(base) + 12 * i16::from(live.octave_shift.get_untracked());
    let Ok(note) = u8::try_from(note) else { return };
    if note > 127 || HELD.with_borrow(|held| held.contains_key(&code)) {
        return;
    }
    event.prevent_default();
    HELD.with_borrow_mut(|held| held.insert(code, note));
    live.play(note, KEYBOARD_VELOCITY, true);
}

fn key_up(live: &Live, event: &KeyboardEvent) {
    if let Some(note) = HELD.with_borrow_mut(|held| held.remove(&event.code())) {
        live.play(note, 0, false);
    }
}

fn shift_octave(live: &Live, by: i8) {
    live.octave_shift
        .update(|shift| *shift = (*shift + by).clamp(-MAX_OCTAVE_SHIFT, MAX_OCTAVE_SHIFT));
}

/// Focus left the page: keyups will never come, so stop every held note now.
pub fn release_all(live: &Live) {
    let held: Vec<u8> = HELD.with_borrow_mut(|held| held.drain().map(|(_, note)| note).collect());
    for note in held {
        live.play(note, 0, false);
    }
}
