//! SoundFonts, played by the synthesizer module (`frontend/soundfont`) in an AudioWorklet so
//! that rendering never waits on the page: the built-in General MIDI instruments (one small
//! SoundFont each, `catalogue`) and a player's own `.sf2`, several loaded at once.
//!
//! A patch (bank and program) is heard with the player's own SoundFont when it has that
//! preset, else with the built-in instrument. The worklet and its module are loaded the first
//! time anyone in the room plays a SoundFont instrument; each built-in file is fetched the
//! first time someone plays its instrument, once: while it loads (one load per file, however
//! many ask), that instrument's notes play with the piano. Each load has a SoundFont number of
//! its own and the worklet answers each by it, so two loads at once never take each other's
//! answer, and an own file opened after another is never replaced by the earlier one.
//!
//! The worklet gives every player a channel of their own; the page tells it which preset of
//! which SoundFont each player plays before their next note. Messages carry the audio time
//! they are due at; the worklet applies them at that frame.

use std::{cell::RefCell, collections::HashMap};

use js_sys::{Array, ArrayBuffer, Function, Object, Promise, Reflect};
use leptos::{prelude::window, task::spawn_local};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{
    AudioContext, AudioWorkletNode, AudioWorkletNodeOptions, File, GainNode, MessageEvent,
};

use super::{catalogue, Source};

const PROCESSOR: &str = "/pkg/soundfont-processor.js";
const MODULE: &str = "/pkg/soundfont.wasm";
const NOTE_ON: u8 = 0x90;
const NOTE_OFF: u8 = 0x80;
const CONTROL_CHANGE: u8 = 0xB0;
const SUSTAIN_PEDAL: u8 = 64;

/// A bank and program: what a player plays with.
pub type Patch = (u8, u8);
/// The worklet's number for a loaded SoundFont.
type FontId = u32;

/// A preset a SoundFont offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub bank: u8,
    pub program: u8,
    pub name: String,
}

/// Where a built-in instrument's SoundFont stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BuiltInFont {
    /// Being fetched and loaded: its notes play with the piano meanwhile.
    Loading,
    Loaded(FontId),
    /// The list has no such instrument (or the worklet refused it): the piano plays it.
    Unavailable,
}

/// The worklet and what it has loaded.
#[derive(Default)]
struct Worklet {
    /// The worklet's start, under way or done (it resolves to the node): started once.
    start: Option<Promise>,
    node: Option<AudioWorkletNode>,
    /// Hears the worklet's answers; kept as long as the node.
    on_answer: Option<Closure<dyn FnMut(MessageEvent)>>,
    /// Loads awaiting the worklet's answer, by SoundFont number.
    awaiting: HashMap<FontId, Function>,
    /// The number the next load gets.
    next_font: FontId,
    /// The player's own SoundFont, and its presets.
    own: Option<(FontId, Vec<Preset>)>,
    /// The own SoundFont being loaded: a load finishing after another began is dropped.
    own_loading: Option<FontId>,
    built_in: HashMap<Patch, BuiltInFont>,
    /// The worklet's number for each player.
    players: HashMap<Source, u32>,
    /// What the worklet was last told each player plays.
    told: HashMap<Source, (FontId, Patch)>,
}

thread_local! {
    static WORKLET: RefCell<Worklet> = RefCell::default();
}

/// Plays `note` with `patch` if a SoundFont this page has loaded offers it; `false` (and the
/// instrument's loading starts, if it can) otherwise.
#[allow(clippy::too_many_arguments)]
pub fn note_on(
    context: &AudioContext,
    output: &GainNode,
    source: &str,
    patch: Patch,
    note: u8,
    velocity: u8,
    at: f64,
) -> bool {
    let played = WORKLET.with_borrow_mut(|worklet| {
        let font = worklet.font_for(patch)?;
        let player = worklet.seat(source, font, patch, at)?;
        worklet.midi(at, player, NOTE_ON, note, velocity.max(1));
        Some(())
    });
    if played.is_none() {
        want(context, output, patch);
    }
    played.is_some()
}

pub fn note_off(source: &str, note: u8, at: f64) {
    WORKLET.with_borrow(|worklet| {
        if let Some(&player) = worklet.players.get(source) {
            worklet.midi(at, player, NOTE_OFF, note, 0);
        }
    });
}

pub fn pedal(source: &str, down: bool, at: f64) {
    WORKLET.with_borrow(|worklet| {
        if let Some(&player) = worklet.players.get(source) {
            let value = if down { 127 } else { 0 };
            worklet.midi(at, player, CONTROL_CHANGE, SUSTAIN_PEDAL, value);
        }
    });
}

/// Starts loading what plays `patch`, unless the page has it or is loading it already:
/// someone in the room plays it.
pub fn want(context: &AudioContext, output: &GainNode, patch: Patch) {
    // Browsers offer AudioWorklets to secure pages only: there, the piano plays.
    if !window().is_secure_context() {
        return;
    }
    let needed = WORKLET.with_borrow_mut(|worklet| {
        let own_has = worklet
            .own
            .as_ref()
            .is_some_and(|(_, presets)| has(presets, patch));
        if own_has || worklet.built_in.contains_key(&patch) {
            return false;
        }
        worklet.built_in.insert(patch, BuiltInFont::Loading);
        true
    });
    if needed {
        let (context, output) = (context.clone(), output.clone());
        spawn_local(async move {
            let outcome = load_built_in(&context, &output, patch).await;
            WORKLET.with_borrow_mut(|worklet| match outcome {
                Ok(font) => {
                    worklet.built_in.insert(patch, font);
                }
                // Not loaded this time (the network): the next note tries again.
                Err(_) => {
                    worklet.built_in.remove(&patch);
                }
            });
        });
    }
}

/// Loads the player's own SoundFont: its presets, or why it cannot be played. It replaces the
/// one they had; a file that is refused leaves that one playing.
pub async fn open(
    context: &AudioContext,
    output: &GainNode,
    file: File,
) -> Result<Vec<Preset>, String> {
    if !window().is_secure_context() {
        return Err("SoundFonts need the page served over https (or from localhost)".into());
    }
    let font = WORKLET.with_borrow_mut(|worklet| {
        let font = worklet.new_font();
        worklet.own_loading = Some(font);
        font
    });
    let bytes: Result<ArrayBuffer, String> = JsFuture::from(file.array_buffer())
        .await
        .map(JsCast::unchecked_into)
        .map_err(super::in_words);
    let loaded = match bytes {
        Ok(bytes) => load(context, output, font, bytes).await,
        Err(why) => Err(why),
    };
    WORKLET.with_borrow_mut(|worklet| {
        if worklet.own_loading != Some(font) {
            worklet.unload(font);
            return Err("another SoundFont was opened meanwhile".to_owned());
        }
        worklet.own_loading = None;
        let presets = loaded?;
        if let Some((before, _)) = worklet.own.replace((font, presets.clone())) {
            worklet.unload(before);
        }
        Ok(presets)
    })
}

/// Fetches and loads the built-in instrument playing `patch`.
async fn load_built_in(
    context: &AudioContext,
    output: &GainNode,
    patch: Patch,
) -> Result<BuiltInFont, String> {
    catalogue::list().await?;
    let Some(instrument) = catalogue::find(patch) else {
        return Ok(BuiltInFont::Unavailable);
    };
    let url = format!("{}/{}", catalogue::DIRECTORY, instrument.file);
    let bytes = super::fetch_bytes(&url).await.map_err(super::in_words)?;
    let font = WORKLET.with_borrow_mut(Worklet::new_font);
    Ok(match load(context, output, font, bytes).await {
        Ok(_) => BuiltInFont::Loaded(font),
        Err(_) => BuiltInFont::Unavailable,
    })
}

/// Loads `bytes` into the worklet (started if need be) as SoundFont `font`: its presets, or
/// why it was refused.
async fn load(
    context: &AudioContext,
    output: &GainNode,
    font: FontId,
    bytes: ArrayBuffer,
) -> Result<Vec<Preset>, String> {
    let start = WORKLET.with_borrow_mut(|worklet| {
        worklet
            .start
            .get_or_insert_with(|| future_to_promise(start(context.clone(), output.clone())))
            .clone()
    });
    let node: AudioWorkletNode = JsFuture::from(start)
        .await
        .map_err(super::in_words)?
        .unchecked_into();
    let answer = Promise::new(&mut |resolve, _| {
        WORKLET.with_borrow_mut(|worklet| worklet.awaiting.insert(font, resolve));
    });
    let fields = [("font", font.into()), ("bytes", bytes.clone().into())];
    post(&node, "load", &fields, Some(&bytes)).map_err(super::in_words)?;
    let answer = JsFuture::from(answer).await.map_err(super::in_words)?;
    let text = |name: &str| {
        Reflect::get(&answer, &name.into())
            .ok()
            .and_then(|value| value.as_string())
            .unwrap_or_default()
    };
    match text("type").as_str() {
        "loaded" => Ok(presets(&text("presets"))),
        _ => Err(text("reason")),
    }
}

/// Starts the worklet with its module, playing into `output`; resolves to its node.
async fn start(context: AudioContext, output: GainNode) -> Result<JsValue, JsValue> {
    let started = async {
        JsFuture::from(context.audio_worklet()?.add_module(PROCESSOR)?).await?;
        let options = AudioWorkletNodeOptions::new();
        options.set_number_of_inputs(0);
        options.set_output_channel_count(&Array::of1(&2.into()));
        let node = AudioWorkletNode::new_with_options(&context, "soundfont", &options)?;
        node.connect_with_audio_node(&output)?;
        let module = super::fetch_bytes(MODULE).await?;
        post(
            &node,
            "module",
            &[("bytes", module.clone().into())],
            Some(&module),
        )?;
        let on_answer = Closure::<dyn FnMut(MessageEvent)>::new(answered);
        node.port()?
            .set_onmessage(Some(on_answer.as_ref().unchecked_ref()));
        WORKLET.with_borrow_mut(|worklet| {
            worklet.node = Some(node.clone());
            worklet.on_answer = Some(on_answer);
        });
        Ok::<_, JsValue>(node)
    };
    match started.await {
        Ok(node) => Ok(node.into()),
        Err(error) => {
            // The next load tries again.
            WORKLET.with_borrow_mut(|worklet| worklet.start = None);
            Err(error)
        }
    }
}

/// The worklet's answer to a load: to whoever awaits that SoundFont.
fn answered(event: MessageEvent) {
    let answer = event.data();
    let font = Reflect::get(&answer, &"font".into())
        .ok()
        .and_then(|font| font.as_f64());
    let waiting = font.and_then(|font| {
        WORKLET.with_borrow_mut(|worklet| worklet.awaiting.remove(&(font as FontId)))
    });
    if let Some(resolve) = waiting {
        let _ = resolve.call1(&JsValue::NULL, &answer);
    }
}

impl Worklet {
    fn new_font(&mut self) -> FontId {
        self.next_font += 1;
        self.next_font
    }

    /// The loaded SoundFont that plays `patch`: the player's own if it has it, else the
    /// built-in one.
    fn font_for(&self, patch: Patch) -> Option<FontId> {
        match &self.own {
            Some((font, presets)) if has(presets, patch) => Some(*font),
            _ => match self.built_in.get(&patch) {
                Some(BuiltInFont::Loaded(font)) => Some(*font),
                _ => None,
            },
        }
    }

    /// The worklet's number for `source`, told (from `at` on) to play `patch` of `font`.
    fn seat(&mut self, source: &str, font: FontId, patch: Patch, at: f64) -> Option<u32> {
        let count = self.players.len() as u32;
        let player = *self.players.entry(source.to_owned()).or_insert(count);
        if self.told.get(source) != Some(&(font, patch)) {
            let (bank, program) = patch;
            let fields = [
                ("at", at.into()),
                ("player", player.into()),
                ("font", font.into()),
                ("bank", bank.into()),
                ("program", program.into()),
            ];
            post(self.node.as_ref()?, "patch", &fields, None).ok()?;
            self.told.insert(source.to_owned(), (font, patch));
        }
        Some(player)
    }

    fn midi(&self, at: f64, player: u32, status: u8, data1: u8, data2: u8) {
        let fields = [
            ("at", at.into()),
            ("player", player.into()),
            ("status", status.into()),
            ("data1", data1.into()),
            ("data2", data2.into()),
        ];
        if let Some(node) = &self.node {
            let _ = post(node, "midi", &fields, None);
        }
    }

    /// Has the worklet forget `font`; its players are told their preset again.
    fn unload(&mut self, font: FontId) {
        if let Some(node) = &self.node {
            let _ = post(node, "unload", &[("font", font.into())], None);
        }
        self.told.retain(|_, (told, _)| *told != font);
    }
}

fn has(presets: &[Preset], (bank, program): Patch) -> bool {
    presets
        .iter()
        .any(|preset| preset.bank == bank && preset.program == program)
}

/// The worklet's preset list: "bank program name" lines.
fn presets(lines: &str) -> Vec<Preset> {
    lines
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            Some(Preset {
                bank: parts.next()?.parse().ok()?,
                program: parts.next()?.parse().ok()?,
                name: parts.next().unwrap_or_default().trim().to_owned(),
            })
        })
        .collect()
}

/// Sends `{type, ...fields}` to the worklet, handing `transfer` over instead of copying it.
fn post(
    node: &AudioWorkletNode,
    kind: &str,
    fields: &[(&str, JsValue)],
    transfer: Option<&ArrayBuffer>,
) -> Result<(), JsValue> {
    let message = Object::new();
    Reflect::set(&message, &"type".into(), &kind.into())?;
    for (name, value) in fields {
        Reflect::set(&message, &(*name).into(), value)?;
    }
    let port = node.port()?;
    match transfer {
        Some(buffer) => port.post_message_with_transferable(&message, &Array::of1(buffer)),
        None => port.post_message(&message),
    }
}
