//! The 88-key piano: played with mouse or touch (velocity from where the key is struck,
//! several fingers at once), lit in the colour of whoever plays each key.
//!
//! On a narrow or touch screen all 88 keys would be too thin for a finger: the keys keep a
//! playable width (the stylesheet's `--touch-key-width`) and the piano shows the range that
//! fits, starting around middle C, moved an octave at a time with "Lower" and "Higher". Above
//! the keys, the note trail (`browser::trail`) draws on a canvas as wide as the piano.

use std::collections::HashMap;

use leptos::prelude::*;
use pianorhythm_core::notes::{is_black, note_name, piano_keys};

use crate::live::use_live;

const WHITE_KEYS: u32 = 52;

#[component]
pub fn Piano() -> impl IntoView {
    // Which pointer (finger, mouse) holds which note.
    let held = StoredValue::new(HashMap::<i32, u8>::new());
    let mut white_index = 0;
    let keys = piano_keys()
        .map(|note| {
            let black = is_black(note);
            let style = if black {
                // Centred on the line between the two white keys around it. (The fraction is
                // left to CSS: formatting floats would add much code to the client.)
                format!(
                    "left: calc(var(--piano-pad) + (100% - 2 * var(--piano-pad)) * {white_index} / {WHITE_KEYS} - var(--black-key-width) / 2)"
                )
            } else {
                white_index += 1;
                String::new()
            };
            view! { <Key note black style held/> }
        })
        .collect_view();
    let viewport = NodeRef::<leptos::html::Div>::new();
    let trail = NodeRef::<leptos::html::Canvas>::new();
    let show_trail = use_live().show_trail;
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            let canvas = trail.get().filter(|_| show_trail.get());
            crate::browser::trail::attach(canvas);
        });
        on_cleanup(|| crate::browser::trail::attach(None));
        Effect::new(move |_| {
            if let Some(viewport) = viewport.get() {
                range::start_at_middle_c(&viewport);
            }
        });
    }
    let shift = move |octaves: f64| {
        #[cfg(feature = "hydrate")]
        if let Some(viewport) = viewport.get_untracked() {
            range::shift(&viewport, octaves);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = octaves;
    };
    view! {
        <div class="piano-range">
            <div class="octave-buttons">
                <button class="octave-button" on:click=move |_| shift(-1.0)>"◀ Lower"</button>
                <button class="octave-button" on:click=move |_| shift(1.0)>"Higher ▶"</button>
            </div>
            <div class="piano-viewport" node_ref=viewport>
                <Show when=move || show_trail.get()>
                    <canvas class="note-trail" node_ref=trail aria-hidden="true"></canvas>
                </Show>
                <div class="piano" role="group" aria-label="Piano">
                    {keys}
                </div>
            </div>
        </div>
    }
}

/// Moving the range shown on narrow screens (on wide ones the whole piano fits and nothing
/// moves).
#[cfg(feature = "hydrate")]
mod range {
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlDivElement, HtmlElement};

    /// White keys in an octave.
    const OCTAVE: f64 = 7.0;
    /// Middle C's MIDI note: the range starts an octave below it.
    const MIDDLE_C: u8 = 60;

    fn key(viewport: &HtmlDivElement, note: u8) -> Option<HtmlElement> {
        viewport
            .query_selector(&format!("[data-note=\"{note}\"]"))
            .ok()??
            .dyn_into()
            .ok()
    }

    pub fn start_at_middle_c(viewport: &HtmlDivElement) {
        if let Some(c3) = key(viewport, MIDDLE_C - 12) {
            viewport.set_scroll_left(c3.offset_left() - 8);
        }
    }

    /// Moves the range by `octaves` (negative: lower).
    pub fn shift(viewport: &HtmlDivElement, octaves: f64) {
        let Some(white_key) = key(viewport, MIDDLE_C) else {
            return;
        };
        let by = f64::from(white_key.offset_width()) * OCTAVE * octaves;
        viewport.scroll_by_with_x_and_y(by, 0.0);
    }
}

#[component]
fn Key(note: u8, black: bool, style: String, held: StoredValue<HashMap<i32, u8>>) -> impl IntoView {
    let live = use_live();
    let light = live.key(note).expect("the piano only has piano keys");
    let class = if black { "key black" } else { "key white" };
    let key_style = move || match light.get() {
        Some(color) => format!("{style}; --lit: {color}"),
        None => style.clone(),
    };

    let press = {
        let live = live.clone();
        move |event: leptos::ev::PointerEvent| {
            event.prevent_default();
            let velocity = velocity_from(&event);
            held.update_value(|held| {
                held.insert(event.pointer_id(), note);
            });
            live.play(note, velocity, true);
        }
    };
    let release = {
        let live = live.clone();
        move |event: leptos::ev::PointerEvent| {
            if held
                .try_update_value(|held| held.remove(&event.pointer_id()))
                .flatten()
                .is_some()
            {
                live.play(note, 0, false);
            }
        }
    };
    // Keyboard users: Enter or Space on a focused key plays it.
    let key_down = {
        let live = live.clone();
        move |event: leptos::ev::KeyboardEvent| {
            if matches!(event.key().as_str(), "Enter" | " ") && !event.repeat() {
                event.prevent_default();
                live.play(note, 90, true);
            }
        }
    };
    let key_up = move |event: leptos::ev::KeyboardEvent| {
        if matches!(event.key().as_str(), "Enter" | " ") {
            live.play(note, 0, false);
        }
    };

    view! {
        <button
            class=class
            style=key_style
            data-note=note
            aria-label=note_name(note)
            aria-pressed=move || if light.get().is_some() { "true" } else { "false" }
            on:pointerdown=press
            on:pointerup=release.clone()
            on:pointercancel=release.clone()
            on:pointerleave=release
            on:keydown=key_down
            on:keyup=key_up
        ></button>
    }
}

/// Struck near the front edge (bottom) = loud; near the back = soft.
#[cfg(feature = "hydrate")]
fn velocity_from(event: &leptos::ev::PointerEvent) -> u8 {
    use wasm_bindgen::JsCast;
    let depth = event
        .current_target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .map(|key| {
            let rect = key.get_bounding_client_rect();
            ((f64::from(event.client_y()) - rect.top()) / rect.height().max(1.0)).clamp(0.0, 1.0)
        })
        .unwrap_or(0.7);
    (25.0 + depth * 102.0).round() as u8
}

/// Pointer handlers only ever run in the browser.
#[cfg(not(feature = "hydrate"))]
fn velocity_from(_event: &leptos::ev::PointerEvent) -> u8 {
    100
}
