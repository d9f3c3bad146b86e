//! The page's moving picture, done once per display frame rather than once per note: the keys
//! other players light change and the note trail is drawn in one animation-frame callback.
//!
//! A room playing a thousand notes a second asks for two thousand key changes a second; made
//! one by one (a timer and a restyle each) they starve the page. Queued with the time they are
//! due, they are applied together at the next frame, each key set once to its latest light.

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};

use super::{page_ms, trail};
use crate::live::KeyLight;

/// A key's light, to change at a time on the page's clock.
struct Change {
    /// When it is due (`performance.now()`, ms).
    at_ms: f64,
    /// The key.
    key: RwSignal<KeyLight>,
    /// Its light from then on.
    light: KeyLight,
}

#[derive(Default)]
struct Frames {
    /// Key changes not yet due, in the order they were asked for.
    changes: Vec<Change>,
    /// The next frame's callback, while one is requested.
    requested: Option<Rc<Closure<dyn FnMut()>>>,
}

thread_local! {
    static FRAMES: RefCell<Frames> = RefCell::default();
}

/// Lights `key` (or turns it off) at `at_ms` on the page's clock, at the first frame from then.
pub fn light(key: RwSignal<KeyLight>, light: KeyLight, at_ms: f64) {
    FRAMES.with_borrow_mut(|frames| frames.changes.push(Change { at_ms, key, light }));
    wake();
}

/// Asks for a frame, unless one is already coming.
pub fn wake() {
    if FRAMES.with_borrow(|frames| frames.requested.is_some()) {
        return;
    }
    let callback = Rc::new(Closure::<dyn FnMut()>::new(frame));
    let requested = window().request_animation_frame(callback.as_ref().as_ref().unchecked_ref());
    FRAMES.with_borrow_mut(|frames| frames.requested = requested.is_ok().then_some(callback));
}

fn frame() {
    let now = page_ms();
    let mut due = FRAMES.with_borrow_mut(|frames| {
        frames.requested = None;
        let (due, later): (Vec<Change>, Vec<Change>) = frames
            .changes
            .drain(..)
            .partition(|change| change.at_ms <= now);
        frames.changes = later;
        due
    });
    due.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    // Each key once, to the light it was given last.
    let mut latest: HashMap<RwSignal<KeyLight>, KeyLight> = HashMap::with_capacity(due.len());
    for change in due {
        latest.insert(change.key, change.light);
    }
    for (key, light) in latest {
        if key.with_untracked(|current| *current != light) {
            key.set(light);
        }
    }
    let trail_moves = trail::draw_frame(now);
    let waiting = FRAMES.with_borrow(|frames| !frames.changes.is_empty());
    if trail_moves || waiting {
        wake();
    }
}
