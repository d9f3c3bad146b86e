//! The synthesizer voice, heard until the piano's samples have loaded (and for notes no loaded
//! sample is near enough to).
//!
//! Each note is two slightly detuned oscillators sharing a piano-like spectrum (harmonics
//! falling off, the 7th–9th damped as by a hammer striking near 1/8 of the string), through a
//! low-pass filter that opens with velocity (a harder strike is brighter), into an envelope
//! with a quick attack and a long exponential decay that is shorter for higher strings.

use pianorhythm_core::notes::frequency;
use web_sys::{AudioContext, AudioNode, BiquadFilterType, PeriodicWave};

use super::Voice;

pub fn piano_spectrum(context: &AudioContext) -> Option<PeriodicWave> {
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

pub fn voice(
    context: &AudioContext,
    spectrum: &PeriodicWave,
    output: &AudioNode,
    note: u8,
    velocity: u8,
    at: f64,
) -> Option<Voice> {
    let strength = f64::from(velocity.clamp(1, 127)) / 127.0;
    let pitch = frequency(note);
    let filter = context.create_biquad_filter().ok()?;
    filter.set_type(BiquadFilterType::Lowpass);
    filter
        .frequency()
        .set_value_at_time((pitch * (1.5 + 14.0 * strength)).min(18_000.0) as f32, at)
        .ok()?;
    let envelope = context.create_gain().ok()?;
    let peak = 0.25 * strength.powf(1.6);
    // Low strings ring for seconds, the top octave for a fraction of one.
    let decay = 2.8 * 2f64.powf(-(f64::from(note) - 21.0) / 24.0) + 0.15;
    let gain = envelope.gain();
    gain.set_value_at_time(0.0, at).ok()?;
    gain.linear_ramp_to_value_at_time(peak as f32, at + 0.004)
        .ok()?;
    gain.set_target_at_time(0.0, at + 0.004, decay).ok()?;
    filter.connect_with_audio_node(&envelope).ok()?;
    envelope.connect_with_audio_node(output).ok()?;

    let make = |detune: f64| {
        let oscillator = context.create_oscillator().ok()?;
        oscillator.set_periodic_wave(spectrum);
        oscillator
            .frequency()
            .set_value_at_time((pitch * detune) as f32, at)
            .ok()?;
        oscillator.connect_with_audio_node(&filter).ok()?;
        oscillator.start_with_when(at).ok()?;
        // Stop long after the sound has decayed, so silent voices do not pile up.
        oscillator.stop_with_when(at + decay * 6.0).ok()?;
        Some(oscillator.into())
    };
    Some(Voice {
        sources: vec![make(1.0)?, make(1.0009)?],
        envelope,
        kind: super::VoiceKind::Synth,
        damped: true,
        ends_at: at + decay * 6.0,
    })
}
