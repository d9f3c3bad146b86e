//! The note trail: a bar in the player's colour rises from each key while it sounds and drifts
//! up once released, drawn on a canvas above the keys.
//!
//! Frames are drawn only while a bar is on screen (none while nobody plays), and a frame costs
//! one pass over the bars in view: at 50 notes a second, a few hundred rectangles.

use std::{cell::RefCell, rc::Rc};

use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlElement};

use super::{page_ms, storage};

/// How fast bars rise, in CSS pixels per second.
const RISE_PX_PER_S: f64 = 90.0;
/// Whether the trail is shown, remembered ("off" once turned off).
const REMEMBERED: &str = "pianorhythm.note-trail";

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

#[derive(Default)]
struct Trail {
    /// The canvas, while the room page shows one.
    canvas: Option<HtmlCanvasElement>,
    /// The bars sounding or still in view, oldest first.
    bars: Vec<Bar>,
    /// The next frame's callback, while frames are being drawn.
    frame: Option<Rc<Closure<dyn FnMut()>>>,
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
pub fn attach(canvas: Option<HtmlCanvasElement>) {
    TRAIL.with_borrow_mut(|trail| {
        trail.canvas = canvas;
        trail.bars.clear();
    });
}

/// A note starts (`on`) or ends sounding at `at_ms` on the page's clock.
pub fn note(source: &str, note: u8, color: &str, on: bool, at_ms: f64) {
    let start_frames = TRAIL.with_borrow_mut(|trail| {
        let Some(canvas) = &trail.canvas else {
            return false;
        };
        if on {
            let Some((left, width)) = key_place(canvas, note) else {
                return false;
            };
            trail.bars.push(Bar {
                left,
                width,
                color: color.to_owned(),
                note,
                source: source.to_owned(),
                start_ms: at_ms,
                end_ms: None,
            });
        } else if let Some(bar) = trail
            .bars
            .iter_mut()
            .rev()
            .find(|bar| bar.note == note && bar.source == source && bar.end_ms.is_none())
        {
            bar.end_ms = Some(at_ms.max(bar.start_ms));
        }
        trail.frame.is_none()
    });
    if start_frames {
        request_frame();
    }
}

/// Where a key sits on the canvas (both span the piano's width).
fn key_place(canvas: &HtmlCanvasElement, note: u8) -> Option<(f64, f64)> {
    let piano = canvas.parent_element()?.query_selector(".piano").ok()??;
    let key: HtmlElement = piano
        .query_selector(&format!("[data-note=\"{note}\"]"))
        .ok()??
        .dyn_into()
        .ok()?;
    Some((f64::from(key.offset_left()), f64::from(key.offset_width())))
}

fn request_frame() {
    let frame = Rc::new(Closure::<dyn FnMut()>::new(draw_frame));
    let requested = window().request_animation_frame(frame.as_ref().as_ref().unchecked_ref());
    TRAIL.with_borrow_mut(|trail| trail.frame = requested.is_ok().then_some(frame));
}

fn draw_frame() {
    let more = TRAIL.with_borrow_mut(|trail| {
        trail.frame = None;
        draw(trail, page_ms())
    });
    if more {
        request_frame();
    }
}

/// Draws the bars as of `now_ms`; whether any is still in view.
fn draw(trail: &mut Trail, now_ms: f64) -> bool {
    let Some(canvas) = &trail.canvas else {
        return false;
    };
    let Some(context) = context(canvas) else {
        return false;
    };
    let (width, height) = (
        f64::from(canvas.client_width()),
        f64::from(canvas.client_height()),
    );
    let scale = window().device_pixel_ratio();
    let (pixels_wide, pixels_high) = ((width * scale) as u32, (height * scale) as u32);
    if canvas.width() != pixels_wide || canvas.height() != pixels_high {
        canvas.set_width(pixels_wide);
        canvas.set_height(pixels_high);
    }
    let _ = context.set_transform(scale, 0.0, 0.0, scale, 0.0, 0.0);
    context.clear_rect(0.0, 0.0, width, height);
    let rise = |ms: f64| (now_ms - ms).max(0.0) / 1000.0 * RISE_PX_PER_S;
    // Bars that have risen out of view are dropped; those not yet sounding wait.
    trail
        .bars
        .retain(|bar| bar.end_ms.is_none_or(|end| rise(end) < height));
    for bar in &trail.bars {
        if bar.start_ms > now_ms {
            continue;
        }
        let top = height - rise(bar.start_ms);
        let bottom = height - bar.end_ms.map_or(0.0, rise);
        context.set_fill_style_str(&bar.color);
        context.fill_rect(
            bar.left + 1.0,
            top,
            (bar.width - 2.0).max(1.0),
            bottom - top,
        );
    }
    !trail.bars.is_empty()
}

fn context(canvas: &HtmlCanvasElement) -> Option<CanvasRenderingContext2d> {
    canvas.get_context("2d").ok()??.dyn_into().ok()
}
