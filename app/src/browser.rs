//! Code that only exists in the browser build: it talks to browser APIs through web-sys.

use leptos::{ev, prelude::*};

pub mod alerts;
pub mod audio;
pub mod download;
mod events;
pub mod fetch;
mod frames;
pub mod instruments;
pub mod keyboard;
pub mod local_file;
pub mod midi;
pub mod notes;
pub mod recorder;
pub mod sheet_player;
pub mod socket;
pub mod storage;
mod ticker;
pub mod trail;

/// The player's actions, as the live state performs them in the browser.
pub const OUTLET: crate::live::Outlet = crate::live::Outlet {
    send: socket::send,
    play: notes::play_local,
    pedal: notes::pedal_local,
    // The app brings its own (`notices`): the code that shows them is fetched when needed.
    notify: |_| {},
};

/// Wall-clock milliseconds since the Unix epoch, with the monotonic timer's precision.
pub fn now() -> f64 {
    let performance = performance();
    performance.time_origin() + performance.now()
}

/// The page's monotonic clock (`performance.now()`), in ms: what Web MIDI timestamps use.
pub fn page_ms() -> f64 {
    performance().now()
}

/// Resolves in a later task: work after it does not lengthen the task the caller runs in (a long
/// task keeps the page from answering input).
pub async fn next_task() {
    let later = js_sys::Promise::new(&mut |resolve, _| {
        let _ = leptos::prelude::window().set_timeout_with_callback(&resolve);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(later).await;
}

/// A browser error as the player may read it.
pub fn in_words(error: wasm_bindgen::JsValue) -> String {
    error.as_string().unwrap_or_else(|| {
        js_sys::Reflect::get(&error, &"message".into())
            .ok()
            .and_then(|message| message.as_string())
            .unwrap_or_else(|| "the browser refused".to_owned())
    })
}

fn performance() -> web_sys::Performance {
    leptos::prelude::window()
        .performance()
        .expect("performance is available in browsers")
}

/// Everything the page needs once it runs in the browser.
pub fn start(live: crate::live::Live) {
    live.show_trail.set(trail::wanted());
    remember_mutes(live.muted);
    hear_players_with_their_instruments(live.players);
    keyboard::install(live.clone());
    start_audio_on_first_gesture(live.clone());
    // Connecting, and the work the server's first messages bring, in a task of their own: the
    // task that hydrates the page stays short, and the browser may paint in between.
    set_timeout(move || socket::connect(live), std::time::Duration::ZERO);
}

/// Where the players this browser mutes are remembered (their ids, space-separated).
const REMEMBERED_MUTES: &str = "pianorhythm.muted";

/// The players muted on an earlier visit stay muted; each change is kept.
fn remember_mutes(muted: RwSignal<Vec<String>>) {
    if let Some(kept) = storage::get(REMEMBERED_MUTES) {
        muted.set(kept.split_whitespace().map(str::to_owned).collect());
    }
    Effect::new(move |_| muted.with(|muted| storage::set(REMEMBERED_MUTES, &muted.join(" "))));
}

/// Each player is heard with the SoundFont preset their profile names, when this page has it.
fn hear_players_with_their_instruments(
    players: RwSignal<Vec<pianorhythm_core::protocol::Participant>>,
) {
    Effect::new(move |_| {
        players.with(|players| {
            for player in players {
                audio::set_patch(
                    &player.id,
                    player.instrument.as_ref().and_then(audio::patch_of),
                );
            }
        });
    });
}

/// Browsers allow sound only after the player interacts; the first click or key turns it on,
/// and starts loading the piano's samples. Not before: nothing sounds until then, and fetching
/// and decoding them (the first set alone is 1.7 MB) would compete with the page's own loading.
/// The synthesizer plays until they arrive.
fn start_audio_on_first_gesture(live: crate::live::Live) {
    let start_audio = move || {
        if !live.audio_ready.get_untracked() && audio::start(live.volume.get_untracked()) {
            live.audio_ready.set(true);
            let piano_samples = live.piano_samples;
            audio::load_samples(move |progress| {
                piano_samples.set((progress.loaded, progress.total))
            });
            // Known once the device runs, a moment after the context starts.
            let audio_latency = live.audio_latency_ms;
            set_timeout(
                move || {
                    if let Some(audio_ms) = audio::output_latency_ms() {
                        audio_latency.set(audio_ms);
                    }
                },
                std::time::Duration::from_millis(250),
            );
        }
    };
    let on_pointer = window_event_listener(ev::pointerdown, move |_| start_audio());
    let on_key = window_event_listener(ev::keydown, move |_| start_audio());
    on_cleanup(move || {
        on_pointer.remove();
        on_key.remove();
    });
}
