//! Code that only exists in the browser build: it talks to browser APIs through web-sys.

use leptos::prelude::*;

pub mod audio;
mod events;
pub mod keyboard;
pub mod midi;
pub mod notes;
pub mod socket;
pub mod storage;

/// Wall-clock milliseconds since the Unix epoch, with the monotonic timer's precision.
pub fn now() -> f64 {
    let performance = leptos::prelude::window()
        .performance()
        .expect("performance is available in browsers");
    performance.time_origin() + performance.now()
}

/// Everything the page needs once it runs in the browser.
pub fn start(live: crate::live::Live) {
    socket::connect(live.clone());
    keyboard::install(live.clone());
    start_audio_on_first_gesture(live);
}

/// Browsers allow sound only after the player interacts; the first click or key turns it on.
fn start_audio_on_first_gesture(live: crate::live::Live) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let window = leptos::prelude::window();
    let on_gesture = Closure::<dyn FnMut()>::new(move || {
        if !live.audio_ready.get_untracked() && audio::start(live.volume.get_untracked()) {
            live.audio_ready.set(true);
        }
    });
    for event in ["pointerdown", "keydown"] {
        let _ = window.add_event_listener_with_callback(event, on_gesture.as_ref().unchecked_ref());
    }
    // Lives as long as the page.
    on_gesture.forget();
}
