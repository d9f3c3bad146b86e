//! The piano sound: a small Web Audio synthesizer, no samples to download.
//!
//! Each note is two slightly detuned oscillators sharing a piano-like spectrum (harmonics
//! falling off, the 7th–9th damped as by a hammer striking near 1/8 of the string), through a
//! low-pass filter that opens with velocity (a harder strike is brighter), into an envelope
//! with a quick attack and a long exponential decay that is shorter for higher strings. Note
//! off releases quickly, unless the sustain pedal holds it.

use std::{
    cell::RefCell,
    collections::{HashMap, HashSet},
};

use pianorhythm_core::notes::frequency;
use web_sys::{
    AudioContext, AudioContextLatencyCategory, AudioContextOptions, AudioContextState,
    BiquadFilterType, GainNode, OscillatorNode, PeriodicWave,
};

/// Who a sound belongs to: "local" or a remote participant's id.
pub type Source = String;

struct Voice {
    oscillators: [OscillatorNode; 2],
    envelope: GainNode,
}

struct Engine {
    context: AudioContext,
    master: GainNode,
    spectrum: PeriodicWave,
    voices: HashMap<(Source, u8), Voice>,
    pedal_down: HashSet<Source>,
    /// Notes released while the pedal was down: they ring until it comes up.
    held_by_pedal: HashSet<(Source, u8)>,
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Starts (or resumes) audio; browsers allow it only after a user gesture.
pub fn start(volume: f64) -> bool {
    ENGINE.with_borrow_mut(|engine| {
        if engine.is_none() {
            *engine = Engine::new(volume);
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

/// Plays `note` at audio time `at` (seconds; past times mean now).
pub fn note_on(source: &str, note: u8, velocity: u8, at: f64) {
    ENGINE.with_borrow_mut(|engine| {
        if let Some(engine) = engine {
            engine.note_on(source, note, velocity, at);
        }
    });
}

pub fn note_off(source: &str, note: u8, at: f64) {
    ENGINE.with_borrow_mut(|engine| {
        if let Some(engine) = engine {
            engine.note_off(source, note, at);
        }
    });
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
        let spectrum = piano_spectrum(&context)?;
        Some(Self {
            context,
            master,
            spectrum,
            voices: HashMap::new(),
            pedal_down: HashSet::new(),
            held_by_pedal: HashSet::new(),
        })
    }

    fn note_on(&mut self, source: &str, note: u8, velocity: u8, at: f64) {
        let at = at.max(self.context.current_time());
        let key = (source.to_owned(), note);
        if let Some(previous) = self.voices.remove(&key) {
            release(&previous, at, 0.03);
        }
        self.held_by_pedal.remove(&key);
        if let Some(voice) = self.voice(note, velocity, at) {
            self.voices.insert(key, voice);
        }
    }

    fn voice(&self, note: u8, velocity: u8, at: f64) -> Option<Voice> {
        let strength = f64::from(velocity.clamp(1, 127)) / 127.0;
        let pitch = frequency(note);
        let filter = self.context.create_biquad_filter().ok()?;
        filter.set_type(BiquadFilterType::Lowpass);
        filter
            .frequency()
            .set_value_at_time((pitch * (1.5 + 14.0 * strength)).min(18_000.0) as f32, at)
            .ok()?;
        let envelope = self.context.create_gain().ok()?;
        let peak = 0.25 * strength.powf(1.6);
        // Low strings ring for seconds, the top octave for a fraction of one.
        let decay = 2.8 * 2f64.powf(-(f64::from(note) - 21.0) / 24.0) + 0.15;
        let gain = envelope.gain();
        gain.set_value_at_time(0.0, at).ok()?;
        gain.linear_ramp_to_value_at_time(peak as f32, at + 0.004)
            .ok()?;
        gain.set_target_at_time(0.0, at + 0.004, decay).ok()?;
        filter.connect_with_audio_node(&envelope).ok()?;
        envelope.connect_with_audio_node(&self.master).ok()?;

        let make = |detune: f64| -> Option<OscillatorNode> {
            let oscillator = self.context.create_oscillator().ok()?;
            oscillator.set_periodic_wave(&self.spectrum);
            oscillator
                .frequency()
                .set_value_at_time((pitch * detune) as f32, at)
                .ok()?;
            oscillator.connect_with_audio_node(&filter).ok()?;
            oscillator.start_with_when(at).ok()?;
            // Stop long after the sound has decayed, so silent voices do not pile up.
            oscillator.stop_with_when(at + decay * 6.0).ok()?;
            Some(oscillator)
        };
        Some(Voice {
            oscillators: [make(1.0)?, make(1.0009)?],
            envelope,
        })
    }

    fn note_off(&mut self, source: &str, note: u8, at: f64) {
        let key = (source.to_owned(), note);
        if self.pedal_down.contains(source) {
            if self.voices.contains_key(&key) {
                self.held_by_pedal.insert(key);
            }
            return;
        }
        if let Some(voice) = self.voices.remove(&key) {
            release(&voice, at.max(self.context.current_time()), 0.08);
        }
    }

    fn pedal(&mut self, source: &str, down: bool, at: f64) {
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
            if let Some(voice) = self.voices.remove(&key) {
                release(&voice, at.max(self.context.current_time()), 0.12);
            }
        }
    }
}

fn release(voice: &Voice, at: f64, time_constant: f64) {
    let gain = voice.envelope.gain();
    let _ = gain.cancel_scheduled_values(at);
    let _ = gain.set_target_at_time(0.0, at, time_constant);
    for oscillator in &voice.oscillators {
        let _ = oscillator.stop_with_when(at + time_constant * 8.0);
    }
}

fn piano_spectrum(context: &AudioContext) -> Option<PeriodicWave> {
    const HARMONICS: usize = 16;
    let mut real = vec![0.0f32; HARMONICS + 1];
    // Index 0 is the constant term: no DC offset.
    let mut imag: Vec<f32> = (0..=HARMONICS)
        .map(|n| match n {
            0 => 0.0,
            7..=9 => (0.35 / (n as f64).powf(1.4)) as f32,
            _ => (1.0 / (n as f64).powf(1.4)) as f32,
        })
        .collect();
    context.create_periodic_wave(&mut real, &mut imag).ok()
}
