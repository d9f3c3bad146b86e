//! The piano's sound: recorded samples of a grand piano (`samples`), a small synthesizer
//! (`synth`) for notes no sample has loaded for yet, and SoundFonts (`soundfont`: the built-in
//! General MIDI instruments of `catalogue` and the player's own file) for whoever plays with
//! another instrument.
//!
//! Every note, whatever plays it, goes into one master volume. Note off damps the string
//! quickly, unless the sustain pedal holds it or the string has no damper (the top of a
//! grand's compass rings on).

mod catalogue;
mod samples;
mod soundfont;
mod synth;

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
};

use pianorhythm_core::{
    polyphony::{Fading, Polyphony},
    protocol::Instrument,
};
use web_sys::{
    AudioContext, AudioContextLatencyCategory, AudioContextOptions, AudioContextState,
    AudioScheduledSourceNode, File, GainNode, PeriodicWave,
};

use super::{
    fetch::{fetch, fetch_bytes},
    in_words,
};

pub use catalogue::list as built_in_instruments;
pub use samples::Progress as SampleProgress;
pub use soundfont::{Patch, Preset};

/// Who a sound belongs to: "local" or a remote participant's id.
pub type Source = String;

/// The lowest key without a damper: from here up, strings ring on after the key comes up.
const FIRST_UNDAMPED: u8 = 89;
/// How quickly a damper silences a string (time constant, seconds).
const DAMPING: f64 = 0.08;

/// What made a note's sound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoiceKind {
    /// A recorded sample of the grand piano.
    Piano,
    /// The synthesizer.
    Synth,
    /// A SoundFont's preset: a built-in instrument or one of the player's own file.
    SoundFont,
}

impl VoiceKind {
    pub fn name(self) -> &'static str {
        match self {
            VoiceKind::Piano => "piano",
            VoiceKind::Synth => "synth",
            VoiceKind::SoundFont => "soundfont",
        }
    }
}

struct Voice {
    /// What sounds (oscillators or a sample player), stopped after the release.
    sources: Vec<AudioScheduledSourceNode>,
    /// The note's loudness over time; the release ramps it down.
    envelope: GainNode,
    kind: VoiceKind,
    /// Whether the key coming up silences it.
    damped: bool,
    /// When it falls silent (the recording or the oscillators end, or the release stops
    /// them), audio time.
    ends_at: f64,
}

/// A sample voice's envelope, kept for a later note once nothing plays into it: each node a
/// note creates is one more for the browser to delete later, on the page's main thread, and
/// a dense room makes thousands a second (deleted in bursts that block the page).
struct SpareEnvelope {
    /// Connected to the master volume already.
    envelope: GainNode,
    /// When its last voice has stopped, audio time: from then on it may be used again.
    free_from: f64,
}

/// Spare envelopes kept at most. One waits until its voice's release has stopped the
/// recording (up to eight damping time constants, 0.64 s), so at 1,000 notes a second several
/// hundred wait at once; past this, an envelope is left to the garbage collector.
const MAX_SPARE_ENVELOPES: usize = 16 * MAX_VOICES;

/// A voice with the key that plays it.
struct Sounding {
    /// The player and key, to find the voice again when the key comes up.
    key: (Source, u8),
    /// Its sound, to silence it when it is stolen or its key struck again.
    voice: Voice,
}

/// Voices sounding at once, at most: more and the audio thread misses its deadlines on a small
/// machine (drop-outs). Dense music still sounds full: a voice stolen is the one heard least.
const MAX_VOICES: usize = 64;
/// How a stolen voice is silenced: fast, but not so fast that it clicks (time constant, s).
const STOLEN_FADE: f64 = 0.005;
/// How voices fade, for choosing which one to steal.
const FADING: Fading = Fading {
    ringing: 3.0,
    released: DAMPING,
};

struct Engine {
    context: AudioContext,
    master: GainNode,
    spectrum: PeriodicWave,
    /// Every voice still sounding, released ones included, by its number.
    sounding: HashMap<u64, Sounding>,
    /// The voice each held key plays (until its key comes up and no pedal holds it).
    held: HashMap<(Source, u8), u64>,
    /// The number the next voice gets.
    next_voice: u64,
    /// The cap on voices, and which one gives way.
    polyphony: Polyphony<u64>,
    pedal_down: HashSet<Source>,
    /// Notes released while the pedal was down: they ring until it comes up.
    held_by_pedal: HashSet<(Source, u8)>,
    /// Notes sounding through a SoundFont: their note off goes there too.
    soundfont_notes: HashSet<(Source, u8)>,
    /// Envelopes of ended sample voices, for the next ones.
    spare_envelopes: Vec<SpareEnvelope>,
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
    /// The instrument each player wants to be heard with (the others: the piano); known
    /// before sound starts.
    static PATCHES: RefCell<HashMap<Source, Patch>> = RefCell::default();
}

/// Starts loading the piano's samples, before any sound is allowed; `report` hears how far.
pub fn load_samples(report: impl Fn(SampleProgress) + 'static) {
    samples::load(report);
}

/// Starts (or resumes) audio; browsers allow it only after a user gesture.
pub fn start(volume: f64) -> bool {
    ENGINE.with_borrow_mut(|engine| {
        if engine.is_none() {
            *engine = Engine::new(volume);
            // The instruments the room plays start loading with the sound.
            if let Some(engine) = engine {
                PATCHES.with_borrow(|patches| {
                    for &patch in patches.values() {
                        soundfont::want(&engine.context, &engine.master, patch);
                    }
                });
            }
        }
        match engine {
            Some(engine) => {
                if engine.context.state() != AudioContextState::Running {
                    let _ = engine.context.resume();
                }
                true
            }
            None => false,
        }
    })
}

/// How long a sound takes from the audio clock to the speakers, in ms: the context's
/// processing latency and the output device's (`baseLatency` + `outputLatency`), as far as the
/// browser knows them; `None` before audio starts.
pub fn output_latency_ms() -> Option<f64> {
    ENGINE.with_borrow(|engine| {
        let context = &engine.as_ref()?.context;
        let seconds = |name: &str| {
            js_sys::Reflect::get(context, &name.into())
                .ok()
                .and_then(|value| value.as_f64())
                .unwrap_or(0.0)
        };
        Some((seconds("baseLatency") + seconds("outputLatency")) * 1000.0)
    })
}

/// The audio clock, in seconds, if audio is running.
pub fn current_time() -> Option<f64> {
    ENGINE.with_borrow(|engine| engine.as_ref().map(|e| e.context.current_time()))
}

pub fn set_volume(volume: f64) {
    ENGINE.with_borrow(|engine| {
        if let Some(engine) = engine {
            engine.master.gain().set_value(volume as f32);
        }
    });
}

/// Plays `note` at audio time `at` (seconds; past times mean now). Says what played it, or
/// `None` when audio is off.
pub fn note_on(source: &str, note: u8, velocity: u8, at: f64) -> Option<VoiceKind> {
    ENGINE.with_borrow_mut(|engine| engine.as_mut()?.note_on(source, note, velocity, at))
}

pub fn note_off(source: &str, note: u8, at: f64) {
    ENGINE.with_borrow_mut(|engine| {
        if let Some(engine) = engine {
            engine.note_off(source, note, at);
        }
    });
}

/// The bank and program of `instrument`, if they can be a SoundFont's.
pub fn patch_of(instrument: &Instrument) -> Option<Patch> {
    Some((
        u8::try_from(instrument.bank).ok()?,
        u8::try_from(instrument.program).ok()?,
    ))
}

/// Who plays with which instrument (`None`: the piano). Heard so once this page has loaded a
/// SoundFont with that preset (the player's own, else the built-in one, loaded from now on),
/// meanwhile with the piano.
pub fn set_patch(source: &str, patch: Option<Patch>) {
    PATCHES.with_borrow_mut(|patches| match patch {
        Some(patch) => patches.insert(source.to_owned(), patch),
        None => patches.remove(source),
    });
    if let Some(patch) = patch {
        ENGINE.with_borrow(|engine| {
            if let Some(engine) = engine {
                soundfont::want(&engine.context, &engine.master, patch);
            }
        });
    }
}

/// Opens a SoundFont from the player's disk: its presets, or why it cannot be played.
pub async fn load_soundfont(file: File) -> Result<Vec<Preset>, String> {
    let (context, master) = ENGINE
        .with_borrow(|engine| {
            let engine = engine.as_ref()?;
            Some((engine.context.clone(), engine.master.clone()))
        })
        .ok_or("sound has not started yet: click the page first")?;
    soundfont::open(&context, &master, file).await
}

/// Whether a built-in instrument plays `patch` (`false` before their list has arrived).
pub fn has_built_in(patch: Patch) -> bool {
    catalogue::find(patch).is_some()
}

pub fn pedal(source: &str, down: bool, at: f64) {
    ENGINE.with_borrow_mut(|engine| {
        if let Some(engine) = engine {
            engine.pedal(source, down, at);
        }
    });
}

impl Engine {
    fn new(volume: f64) -> Option<Self> {
        // The shortest buffers the device allows: a piano is played, not listened to.
        let options = AudioContextOptions::new();
        options.set_latency_hint_audio_context_latency_category(
            AudioContextLatencyCategory::Interactive,
        );
        let context = AudioContext::new_with_context_options(&options).ok()?;
        let master = context.create_gain().ok()?;
        master.gain().set_value(volume as f32);
        master
            .connect_with_audio_node(&context.destination())
            .ok()?;
        let spectrum = synth::piano_spectrum(&context)?;
        Some(Self {
            context,
            master,
            spectrum,
            sounding: HashMap::new(),
            held: HashMap::new(),
            next_voice: 0,
            polyphony: Polyphony::new(MAX_VOICES, FADING),
            pedal_down: HashSet::new(),
            held_by_pedal: HashSet::new(),
            soundfont_notes: HashSet::new(),
            spare_envelopes: Vec::new(),
        })
    }

    fn note_on(&mut self, source: &str, note: u8, velocity: u8, at: f64) -> Option<VoiceKind> {
        let at = at.max(self.context.current_time());
        let key = (source.to_owned(), note);
        if let Some(previous) = self.held.remove(&key) {
            // Struck again: the string stops ringing as the hammer hits it.
            if let Some(mut previous) = self.forget(previous) {
                release(&mut previous, at, 0.03);
                self.retire(previous);
            }
        }
        self.held_by_pedal.remove(&key);
        let patch = PATCHES.with_borrow(|patches| patches.get(source).copied());
        if let Some(patch) = patch {
            let (context, master) = (&self.context, &self.master);
            if soundfont::note_on(context, master, source, patch, note, velocity, at) {
                self.soundfont_notes.insert(key);
                return Some(VoiceKind::SoundFont);
            }
        }
        // Ended voices first: their envelopes may serve this one.
        self.make_room(at);
        let voice = match samples::pick(note, velocity) {
            Some(sample) => self.sampled(sample, at),
            None => synth::voice(
                &self.context,
                &self.spectrum,
                &self.master,
                note,
                velocity,
                at,
            ),
        }?;
        let voice = Voice {
            damped: note < FIRST_UNDAMPED,
            ..voice
        };
        let kind = voice.kind;
        let id = self.next_voice;
        self.next_voice += 1;
        for stolen in self.polyphony.start(id, velocity, at) {
            if let Some(mut stolen) = self.forget(stolen) {
                release(&mut stolen, at, STOLEN_FADE);
                self.retire(stolen);
            }
        }
        self.held.insert(key.clone(), id);
        self.sounding.insert(id, Sounding { key, voice });
        Some(kind)
    }

    /// Forgets the voices that have ended or faded by `now`, so they no longer count.
    fn make_room(&mut self, now: f64) {
        let ended: Vec<u64> = self
            .sounding
            .iter()
            .filter(|(_, sounding)| sounding.voice.ends_at <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in ended.into_iter().chain(self.polyphony.faded(now)) {
            if let Some(voice) = self.forget(id) {
                self.retire(voice);
            }
        }
    }

    /// Keeps a forgotten sample voice's envelope for a later voice, once the voice has
    /// stopped. (A synthesizer voice's envelope has its filter in front: not kept.)
    fn retire(&mut self, voice: Voice) {
        if voice.kind == VoiceKind::Piano && self.spare_envelopes.len() < MAX_SPARE_ENVELOPES {
            self.spare_envelopes.push(SpareEnvelope {
                envelope: voice.envelope,
                free_from: voice.ends_at,
            });
        }
    }

    /// An envelope into the master volume for a voice starting at `at`: a spare one free
    /// by then, else a new one.
    fn envelope_for(&mut self, at: f64) -> Option<GainNode> {
        let free = self
            .spare_envelopes
            .iter()
            .position(|spare| spare.free_from <= at);
        if let Some(index) = free {
            let envelope = self.spare_envelopes.swap_remove(index).envelope;
            // Its last release's automation is over: none of it may reach the new note.
            envelope.gain().cancel_scheduled_values(0.0).ok()?;
            return Some(envelope);
        }
        let envelope = self.context.create_gain().ok()?;
        envelope.connect_with_audio_node(&self.master).ok()?;
        Some(envelope)
    }

    /// Takes voice `id` out of every list; the caller silences it if it still sounds.
    fn forget(&mut self, id: u64) -> Option<Voice> {
        self.polyphony.end(id);
        let sounding = self.sounding.remove(&id)?;
        if self.held.get(&sounding.key) == Some(&id) {
            self.held.remove(&sounding.key);
            self.held_by_pedal.remove(&sounding.key);
        }
        Some(sounding.voice)
    }

    /// The key of voice `id` came up at `at` (no pedal holding it): the damper falls.
    fn damp_held(&mut self, key: &(Source, u8), at: f64, time_constant: f64) {
        let Some(id) = self.held.remove(key) else {
            return;
        };
        if let Some(sounding) = self.sounding.get_mut(&id) {
            if sounding.voice.damped {
                release(&mut sounding.voice, at, time_constant);
                self.polyphony.release(id, at);
            }
        }
    }

    fn sampled(&mut self, sample: samples::Pick, at: f64) -> Option<Voice> {
        let player = self.context.create_buffer_source().ok()?;
        player.set_buffer(Some(&sample.buffer));
        player
            .playback_rate()
            .set_value_at_time(sample.rate, at)
            .ok()?;
        let envelope = self.envelope_for(at)?;
        envelope.gain().set_value_at_time(sample.gain, at).ok()?;
        player.connect_with_audio_node(&envelope).ok()?;
        // It stops by itself where the recording ends.
        player.start_with_when(at).ok()?;
        Some(Voice {
            sources: vec![player.into()],
            envelope,
            kind: VoiceKind::Piano,
            damped: true,
            ends_at: at + sample.buffer.duration() / f64::from(sample.rate),
        })
    }

    fn note_off(&mut self, source: &str, note: u8, at: f64) {
        let key = (source.to_owned(), note);
        if self.soundfont_notes.remove(&key) {
            // The SoundFont's synthesizer follows the pedal itself.
            soundfont::note_off(source, note, at.max(self.context.current_time()));
            return;
        }
        if self.pedal_down.contains(source) {
            if self.held.contains_key(&key) {
                self.held_by_pedal.insert(key);
            }
            return;
        }
        self.damp_held(&key, at.max(self.context.current_time()), DAMPING);
    }

    fn pedal(&mut self, source: &str, down: bool, at: f64) {
        soundfont::pedal(source, down, at.max(self.context.current_time()));
        if down {
            self.pedal_down.insert(source.to_owned());
            return;
        }
        self.pedal_down.remove(source);
        let released: Vec<_> = self
            .held_by_pedal
            .iter()
            .filter(|(owner, _)| owner == source)
            .cloned()
            .collect();
        for key in released {
            self.held_by_pedal.remove(&key);
            // The dampers fall back together, a little more slowly than one key's.
            self.damp_held(&key, at.max(self.context.current_time()), DAMPING * 1.5);
        }
    }
}

fn release(voice: &mut Voice, at: f64, time_constant: f64) {
    let gain = voice.envelope.gain();
    let _ = gain.cancel_scheduled_values(at);
    let _ = gain.set_target_at_time(0.0, at, time_constant);
    let stop_at = at + time_constant * 8.0;
    for source in &voice.sources {
        let _ = source.stop_with_when(stop_at);
    }
    voice.ends_at = voice.ends_at.min(stop_at);
}
