//! The note trail: a bar in the player's colour rises from each key while it sounds and drifts
//! up once released, drawn on a canvas above the keys. A player whose device asks for less
//! motion (`prefers-reduced-motion`) gets still bars instead: one stands over each key while it
//! sounds and goes when it is released.
//!
//! Nothing here reads the page's layout per note: where each key sits is measured once when the
//! canvas appears and again only when it is resized (a `ResizeObserver`), so a note costs a
//! push onto a list. Frames (`frames`) are drawn only while a bar is on screen, and a frame
//! costs one pass over the bars in view.

use std::{
    cell::RefCell,
    collections::{HashMap, VecDeque},
};

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement, ResizeObserver, ResizeObserverEntry,
};

use super::{frames, storage};

/// How fast bars rise, in CSS pixels per second.
const RISE_PX_PER_S: f64 = 90.0;
/// Whether the trail is shown, remembered ("off" once turned off).
const REMEMBERED: &str = "pianorhythm.note-trail";
/// How much of the canvas's height a still bar stands (reduced motion).
const STILL_HEIGHT: f64 = 0.6;
/// Bars kept at most: beyond, the oldest go (at a thousand notes a second, a few seconds' worth).
const MAX_BARS: usize = 4096;

/// One note's bar.
struct Bar {
    /// The key's left edge on the canvas, in CSS pixels.
    left: f64,
    /// The key's width, in CSS pixels.
    width: f64,
    /// The player's colour.
    color: String,
    /// The key, to find the bar again when the note ends.
    note: u8,
    /// Who played it: a key struck by two players makes two bars.
    source: String,
    /// When it started sounding, on the page's clock.
    start_ms: f64,
    /// When it stopped sounding; until then the bar grows from the key.
    end_ms: Option<f64>,
}

/// The canvas and what is known of it.
struct Canvas {
    /// The element drawn on.
    element: HtmlCanvasElement,
    /// Its 2D context, taken once.
    context: CanvasRenderingContext2d,
    /// Its size in CSS pixels, as last measured.
    width: f64,
    height: f64,
    /// Each key's left edge and width on the canvas, by MIDI note, as last measured.
    keys: Vec<Option<(f64, f64)>>,
    /// Measures again when the canvas changes size; disconnected when it goes.
    observer: ResizeObserver,
    /// The observer's callback, alive as long as the observer.
    _on_resize: Closure<dyn FnMut(js_sys::Array)>,
}

#[derive(Default)]
struct Trail {
    /// The canvas, while the room page shows one.
    canvas: Option<Canvas>,
    /// The bars sounding or still in view, oldest first.
    bars: VecDeque<Bar>,
    /// Bars stand still (the device asks for reduced motion), read when the canvas appears.
    still: bool,
}

thread_local! {
    static TRAIL: RefCell<Trail> = RefCell::default();
}

/// Whether the player wants the trail (on unless turned off).
pub fn wanted() -> bool {
    storage::get(REMEMBERED).as_deref() != Some("off")
}

pub fn remember(shown: bool) {
    storage::set(REMEMBERED, if shown { "on" } else { "off" });
}

/// The canvas to draw on (`None`: the trail is hidden or the page left the room).
pub fn attach(element: Option<HtmlCanvasElement>) {
    let canvas = element.and_then(Canvas::new);
    TRAIL.with_borrow_mut(|trail| {
        if let Some(previous) = trail.canvas.take() {
            previous.observer.disconnect();
        }
        trail.canvas = canvas;
        trail.bars.clear();
        trail.still = window()
            .match_media("(prefers-reduced-motion: reduce)")
            .ok()
            .flatten()
            .is_some_and(|query| query.matches());
    });
}

/// A note starts (`on`) or ends sounding at `at_ms` on the page's clock.
pub fn note(source: &str, note: u8, color: &str, on: bool, at_ms: f64) {
    let started = TRAIL.with_borrow_mut(|trail| {
        let Some(canvas) = &trail.canvas else {
            return false;
        };
        if on {
            let Some((left, width)) = canvas.keys.get(usize::from(note)).copied().flatten() else {
                return false;
            };
            if trail.bars.len() >= MAX_BARS {
                trail.bars.pop_front();
            }
            trail.bars.push_back(Bar {
                left,
                width,
                color: color.to_owned(),
                note,
                source: source.to_owned(),
                start_ms: at_ms,
                end_ms: None,
            });
            true
        } else {
            if let Some(bar) = trail
                .bars
                .iter_mut()
                .rev()
                .find(|bar| bar.note == note && bar.source == source && bar.end_ms.is_none())
            {
                bar.end_ms = Some(at_ms.max(bar.start_ms));
            }
            false
        }
    });
    if started {
        frames::wake();
    }
}

/// Draws the bars as of `now_ms`; whether any is still in view (another frame is wanted).
pub fn draw_frame(now_ms: f64) -> bool {
    TRAIL.with_borrow_mut(|trail| draw(trail, now_ms))
}

impl Canvas {
    fn new(element: HtmlCanvasElement) -> Option<Self> {
        let context = element.get_context("2d").ok()??.dyn_into().ok()?;
        let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(|entries: js_sys::Array| {
            let Some(entry) = entries.get(0).dyn_into::<ResizeObserverEntry>().ok() else {
                return;
            };
            let size = entry.content_rect();
            TRAIL.with_borrow_mut(|trail| {
                if let Some(canvas) = trail.canvas.as_mut() {
                    canvas.measured(size.width(), size.height());
                }
            });
            frames::wake();
        });
        let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
        // Reported once at the next layout, then whenever the size changes.
        observer.observe(&element);
        Some(Self {
            element,
            context,
            width: 0.0,
            height: 0.0,
            keys: Vec::new(),
            observer,
            _on_resize: on_resize,
        })
    }

    /// The canvas is `width` × `height` CSS pixels: the pixels to draw and the keys' places
    /// follow. Called from the resize observer, just after a layout, so reading the keys'
    /// offsets forces none.
    fn measured(&mut self, width: f64, height: f64) {
        self.width = width;
        self.height = height;
        let scale = window().device_pixel_ratio();
        self.element.set_width((width * scale) as u32);
        self.element.set_height((height * scale) as u32);
        let _ = self.context.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0);
        self.keys = key_places(&self.element);
    }
}

/// Where each key sits on the canvas, by MIDI note (both span the piano's width).
fn key_places(canvas: &HtmlCanvasElement) -> Vec<Option<(f64, f64)>> {
    let mut places = vec![None; 128];
    let Some(keys) = canvas
        .parent_element()
        .and_then(|viewport| viewport.query_selector_all(".piano [data-note]").ok())
    else {
        return places;
    };
    for index in 0..keys.length() {
        let Some(key) = keys
            .get(index)
            .and_then(|node| node.dyn_into::<HtmlElement>().ok())
        else {
            continue;
        };
        let note = key
            .get_attribute("data-note")
            .and_then(|note| note.parse::<usize>().ok());
        if let Some(place) = note.and_then(|note| places.get_mut(note)) {
            *place = Some((f64::from(key.offset_left()), f64::from(key.offset_width())));
        }
    }
    places
}

/// Draws the bars as of `now_ms`; whether any is still in view.
fn draw(trail: &mut Trail, now_ms: f64) -> bool {
    let Some(canvas) = &trail.canvas else {
        return false;
    };
    let (width, height) = (canvas.width, canvas.height);
    let context = &canvas.context;
    context.clear_rect(0.0, 0.0, width, height);
    let still = trail.still;
    // Still bars stand at this height from the moment they sound; moving ones rise.
    let rise = |ms: f64| match still {
        true => height * STILL_HEIGHT,
        false => (now_ms - ms).max(0.0) / 1000.0 * RISE_PX_PER_S,
    };
    // Bars that have risen out of view (still ones: once released) are dropped; those not yet
    // sounding wait.
    trail.bars.retain(|bar| match (bar.end_ms, still) {
        (None, _) => true,
        (Some(end), false) => rise(end) < height,
        (Some(end), true) => end > now_ms,
    });
    // One path per colour: a fill per player rather than per bar.
    let mut by_color: HashMap<&str, Vec<&Bar>> = HashMap::new();
    for bar in trail.bars.iter().filter(|bar| bar.start_ms <= now_ms) {
        by_color.entry(&bar.color).or_default().push(bar);
    }
    for (color, bars) in by_color {
        context.begin_path();
        for bar in bars {
            let top = height - rise(bar.start_ms);
            let bottom = match still {
                true => height,
                false => height - bar.end_ms.map_or(0.0, rise),
            };
            context.rect(
                bar.left + 1.0,
                top,
                (bar.width - 2.0).max(1.0),
                bottom - top,
            );
        }
        context.set_fill_style_str(color);
        context.fill();
    }
    !trail.bars.is_empty()
}
