//! SoundFonts: a player's own `.sf2`, played by the synthesizer module (`frontend/soundfont`)
//! in an AudioWorklet, so rendering never waits on the page.
//!
//! The worklet and its module are loaded the first time a player opens a SoundFont; until
//! then nothing of it is downloaded. Each player heard through the SoundFont gets a MIDI
//! channel of their own (percussion kits share channel 10, as General MIDI has it), set to
//! their preset before their next note. Messages carry the audio time they are due at; the
//! worklet applies them at that frame.

use std::collections::HashMap;

use js_sys::{Array, ArrayBuffer, Object, Promise, Reflect};
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AudioContext, AudioWorkletNode, AudioWorkletNodeOptions, File, GainNode, MessageEvent,
};

use super::Source;

const PROCESSOR: &str = "/pkg/soundfont-processor.js";
const MODULE: &str = "/pkg/soundfont.wasm";
/// General MIDI's channel 10: percussion kits.
const PERCUSSION_CHANNEL: u8 = 9;
const PERCUSSION_BANK: u8 = 128;
const NOTE_ON: u8 = 0x90;
const NOTE_OFF: u8 = 0x80;
const CONTROL_CHANGE: u8 = 0xB0;
const PROGRAM_CHANGE: u8 = 0xC0;
const BANK_SELECT: u8 = 0;
const SUSTAIN_PEDAL: u8 = 64;

/// A bank and program: what a player plays with.
pub type Patch = (u8, u8);

/// A preset the loaded SoundFont offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub bank: u8,
    pub program: u8,
    pub name: String,
}

/// The worklet and what it has loaded.
pub struct SoundFont {
    node: AudioWorkletNode,
    presets: Vec<Preset>,
    /// The channel each player sounds on, and the patch that channel is set to.
    channels: HashMap<Source, (u8, Patch)>,
}

impl SoundFont {
    /// Starts the worklet with its module, playing into `output`.
    pub async fn start(context: &AudioContext, output: &GainNode) -> Result<Self, JsValue> {
        JsFuture::from(context.audio_worklet()?.add_module(PROCESSOR)?).await?;
        let options = AudioWorkletNodeOptions::new();
        options.set_number_of_inputs(0);
        options.set_output_channel_count(&Array::of1(&2.into()));
        let node = AudioWorkletNode::new_with_options(context, "soundfont", &options)?;
        node.connect_with_audio_node(output)?;
        let module = super::fetch_bytes(MODULE).await?;
        post(
            &node,
            "module",
            &[("bytes", module.clone().into())],
            Some(&module),
        )?;
        Ok(Self {
            node,
            presets: Vec::new(),
            channels: HashMap::new(),
        })
    }

    /// A clone of the worklet node, to load a SoundFont into without holding the engine.
    pub fn node(&self) -> AudioWorkletNode {
        self.node.clone()
    }

    /// The SoundFont the worklet has just loaded: every channel starts over.
    pub fn loaded(&mut self, presets: Vec<Preset>) {
        self.presets = presets;
        self.channels.clear();
    }

    pub fn has(&self, (bank, program): Patch) -> bool {
        self.presets
            .iter()
            .any(|preset| preset.bank == bank && preset.program == program)
    }

    pub fn note_on(&mut self, source: &str, patch: Patch, note: u8, velocity: u8, at: f64) {
        let channel = self.channel_for(source, patch, at);
        self.send(at, NOTE_ON | channel, note, velocity.max(1));
    }

    pub fn note_off(&mut self, source: &str, note: u8, at: f64) {
        if let Some(&(channel, _)) = self.channels.get(source) {
            self.send(at, NOTE_OFF | channel, note, 0);
        }
    }

    pub fn pedal(&mut self, source: &str, down: bool, at: f64) {
        if let Some(&(channel, _)) = self.channels.get(source) {
            let value = if down { 127 } else { 0 };
            self.send(at, CONTROL_CHANGE | channel, SUSTAIN_PEDAL, value);
        }
    }

    /// The channel `source` plays on, set to `patch` from `at` on.
    fn channel_for(&mut self, source: &str, patch: Patch, at: f64) -> u8 {
        let (bank, program) = patch;
        let wanted = if bank == PERCUSSION_BANK {
            PERCUSSION_CHANNEL
        } else {
            match self.channels.get(source) {
                Some(&(channel, _)) if channel != PERCUSSION_CHANNEL => channel,
                _ => self.free_channel(source),
            }
        };
        if self.channels.get(source) != Some(&(wanted, patch)) {
            // On the percussion channel the synthesizer adds 128 to the bank itself.
            let bank_select = if bank == PERCUSSION_BANK { 0 } else { bank };
            self.send(at, CONTROL_CHANGE | wanted, BANK_SELECT, bank_select);
            self.send(at, PROGRAM_CHANGE | wanted, program, 0);
            self.channels.insert(source.to_owned(), (wanted, patch));
        }
        wanted
    }

    /// A melodic channel nobody uses, or (with more than 15 players) one picked by name.
    fn free_channel(&self, source: &str) -> u8 {
        let melodic = (0..16u8).filter(|&channel| channel != PERCUSSION_CHANNEL);
        let mut taken = self.channels.values().map(|&(channel, _)| channel);
        let free = melodic
            .clone()
            .find(|channel| !taken.any(|used| used == *channel));
        free.unwrap_or_else(|| {
            let spread = source.bytes().fold(0u32, |sum, byte| sum + u32::from(byte));
            melodic.cycle().nth(spread as usize % 15).unwrap_or(0)
        })
    }

    fn send(&self, at: f64, status: u8, data1: u8, data2: u8) {
        let fields = [
            ("at", at.into()),
            ("status", status.into()),
            ("data1", data1.into()),
            ("data2", data2.into()),
        ];
        let _ = post(&self.node, "midi", &fields, None);
    }
}

/// Loads `file` into the worklet; its presets, or why it was refused.
pub async fn load(node: &AudioWorkletNode, file: &File) -> Result<Vec<Preset>, String> {
    let bytes: ArrayBuffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(super::in_words)?
        .unchecked_into();
    let port = node.port().map_err(super::in_words)?;
    let reply = Promise::new(&mut |resolve, _| {
        let answer = Closure::once_into_js(move |event: MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &event.data());
        });
        port.set_onmessage(Some(answer.unchecked_ref()));
    });
    post(
        node,
        "soundfont",
        &[("bytes", bytes.clone().into())],
        Some(&bytes),
    )
    .map_err(super::in_words)?;
    let answer = JsFuture::from(reply).await.map_err(super::in_words)?;
    port.set_onmessage(None);
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
