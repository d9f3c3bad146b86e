//! The sampled grand piano's recordings: fetched from `/samples`, decoded, kept in memory.
//!
//! `piano.json` (written by `scripts/build.sh`) lists every sample and marks a small first set
//! (every C of the medium layer, under 2 MB). That set is fetched at once, all files in
//! parallel; the rest follow one at a time in the background, the medium layer from the middle
//! of the keyboard outwards first, then the soft and loud layers. Until a note has a sample near
//! enough (`pianorhythm_core::samples`), the synthesizer plays it.
//!
//! Decoding uses an offline context, which browsers allow before the player's first gesture,
//! so samples load while the page is still silent. Each is kept as one channel of at most
//! eight seconds (a held piano note has faded by then): about a quarter of the memory of the
//! full stereo recordings. Both decoding and that cut run off the page's main thread.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

use js_sys::Reflect;
use leptos::task::spawn_local;
use pianorhythm_core::samples::{choose, layer_velocity, Recorded};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AudioBuffer, OfflineAudioContext};

use super::{fetch, fetch_bytes};

const FOLDER: &str = "/samples";
const LIST: &str = "piano.json";
const KEPT_SECONDS: f32 = 8.0;
const FADE_SECONDS: f32 = 0.5;
const DECODE_RATE: f32 = 44_100.0;

/// How far loading has come, for the player to see.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Progress {
    pub loaded: usize,
    pub total: usize,
}

/// A sample to play: the recording, its playback rate and gain.
pub struct Pick {
    pub buffer: AudioBuffer,
    pub rate: f32,
    pub gain: f32,
}

/// One line of `piano.json`.
struct Listed {
    note: u8,
    layer: u8,
    file: String,
    first: bool,
}

#[derive(Default)]
struct Bank {
    recorded: Vec<Recorded>,
    /// `buffers[i]` is the recording of `recorded[i]`.
    buffers: Vec<AudioBuffer>,
}

thread_local! {
    static BANK: RefCell<Bank> = RefCell::default();
    static STARTED: Cell<bool> = const { Cell::new(false) };
}

/// The sample to play `note` at `velocity` with, once one near enough has loaded.
pub fn pick(note: u8, velocity: u8) -> Option<Pick> {
    BANK.with_borrow(|bank| {
        let choice = choose(&bank.recorded, note, velocity)?;
        Some(Pick {
            buffer: bank.buffers[choice.index].clone(),
            rate: choice.rate,
            gain: choice.gain,
        })
    })
}

/// Starts loading (once per page); `report` hears of every sample that arrives.
pub fn load(report: impl Fn(Progress) + 'static) {
    if STARTED.replace(true) {
        return;
    }
    spawn_local(async move {
        if let Err(error) = load_all(Rc::new(report)).await {
            web_sys::console::warn_2(&"piano samples unavailable:".into(), &error);
        }
    });
}

async fn load_all(report: Rc<dyn Fn(Progress)>) -> Result<(), JsValue> {
    let decoder = OfflineAudioContext::new_with_number_of_channels_and_length_and_sample_rate(
        1,
        1,
        DECODE_RATE,
    )?;
    let listed = list().await?;
    let medium = listed
        .iter()
        .find(|sample| sample.first)
        .map(|sample| sample.layer);
    let (first, mut rest): (Vec<_>, Vec<_>) = listed.into_iter().partition(|sample| sample.first);
    rest.sort_by_key(|sample| (Some(sample.layer) != medium, sample.note.abs_diff(60)));
    let progress = Rc::new(Cell::new(Progress {
        total: first.len() + rest.len(),
        ..Progress::default()
    }));
    report(progress.get());

    let arrived = |sample: &Listed, buffer: Option<AudioBuffer>| {
        if let Some(buffer) = buffer {
            BANK.with_borrow_mut(|bank| {
                bank.recorded.push(Recorded {
                    note: sample.note,
                    velocity: layer_velocity(sample.layer),
                });
                bank.buffers.push(buffer);
            });
        }
        let mut now = progress.get();
        now.loaded += 1;
        progress.set(now);
        report(now);
    };
    let first_set = first.iter().map(|sample| async {
        let buffer = fetch_and_decode(&decoder, sample).await;
        arrived(sample, buffer);
    });
    futures_util::future::join_all(first_set).await;
    for sample in &rest {
        let buffer = fetch_and_decode(&decoder, sample).await;
        arrived(sample, buffer);
    }
    Ok(())
}

/// `piano.json`'s samples; a line that does not make sense is skipped.
async fn list() -> Result<Vec<Listed>, JsValue> {
    let response = fetch(&format!("{FOLDER}/{LIST}")).await?;
    let body = JsFuture::from(response.json()?).await?;
    let samples = js_sys::Array::from(&Reflect::get(&body, &"samples".into())?);
    let field = |sample: &JsValue, name: &str| Reflect::get(sample, &name.into()).ok();
    let number = |sample: &JsValue, name: &str| {
        field(sample, name)?
            .as_f64()
            .and_then(|n| u8::try_from(n as i64).ok())
    };
    Ok(samples
        .iter()
        .filter_map(|sample| {
            Some(Listed {
                note: number(&sample, "note")?,
                layer: number(&sample, "layer")?,
                file: field(&sample, "file")?.as_string()?,
                first: field(&sample, "first")?.as_bool()?,
            })
        })
        .collect())
}

/// One sample, ready to play; `None` (and a warning) if it cannot be had: the others still load.
async fn fetch_and_decode(decoder: &OfflineAudioContext, sample: &Listed) -> Option<AudioBuffer> {
    let decoded = async {
        let bytes = fetch_bytes(&format!("{FOLDER}/{}", sample.file)).await?;
        let decoded: AudioBuffer = JsFuture::from(decoder.decode_audio_data(&bytes)?)
            .await?
            .dyn_into()?;
        kept_part(&decoded).await
    };
    match decoded.await {
        Ok(buffer) => Some(buffer),
        Err(error) => {
            web_sys::console::warn_2(
                &format!("sample {} not loaded:", sample.file).into(),
                &error,
            );
            None
        }
    }
}

/// The recording as one channel of at most `KEPT_SECONDS`, faded out at the cut. An offline
/// context renders it (mixing the channels down, cutting and fading) on the browser's audio
/// thread: done here in wasm, copying and mixing seconds of samples held the page's main
/// thread for milliseconds per file, long enough to make other players' notes late.
async fn kept_part(decoded: &AudioBuffer) -> Result<AudioBuffer, JsValue> {
    let rate = decoded.sample_rate();
    let frames = decoded.length().min((KEPT_SECONDS * rate) as u32).max(1);
    let renderer = OfflineAudioContext::new_with_number_of_channels_and_length_and_sample_rate(
        1, frames, rate,
    )?;
    let player = renderer.create_buffer_source()?;
    player.set_buffer(Some(decoded));
    let fade = renderer.create_gain()?;
    let kept_seconds = f64::from(frames) / f64::from(rate);
    if decoded.length() > frames {
        let fade_from = (kept_seconds - f64::from(FADE_SECONDS)).max(0.0);
        fade.gain().set_value_at_time(1.0, fade_from)?;
        fade.gain()
            .linear_ramp_to_value_at_time(0.0, kept_seconds)?;
    }
    player.connect_with_audio_node(&fade)?;
    fade.connect_with_audio_node(&renderer.destination())?;
    player.start()?;
    JsFuture::from(renderer.start_rendering()?)
        .await?
        .dyn_into()
}
