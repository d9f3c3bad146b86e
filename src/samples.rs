//! Which recorded sample plays a note: the rules of the sampled piano, apart from the browser
//! code that loads and plays the samples.
//!
//! A piano is recorded at a few pitches (every minor third) and a few strengths (velocity
//! layers). A note is played by the loaded sample nearest in pitch and strength, shifted to
//! its pitch by playback rate, and scaled by how much harder or softer it was struck.

/// Farthest a sample is shifted, in semitones. The first set (every C) needs a tritone; with
/// every sample loaded no shift exceeds 1.5. Further than this sounds like another instrument,
/// so the synthesizer plays instead.
pub const MAX_SHIFT: i32 = 6;
/// How many semitones of pitch weigh as much as this many velocity steps of strength when
/// choosing between samples.
const VELOCITY_STEPS_PER_SEMITONE: f32 = 24.0;
/// Loudness of a sample played at its own layer's velocity.
const BASE_GAIN: f32 = 0.8;

/// One recorded sample: its pitch and the velocity its layer was struck at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Recorded {
    pub note: u8,
    pub velocity: u8,
}

/// How to play a note from a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Choice {
    /// Index of the chosen sample in the list given.
    pub index: usize,
    /// Playback rate: 2^(semitones / 12).
    pub rate: f32,
    /// Gain: louder than the layer for a harder strike, softer for a softer one.
    pub gain: f32,
}

/// The velocity a layer was struck at, from its number in the Salamander set (1 softest,
/// 16 loudest, evenly spread over MIDI velocities).
pub fn layer_velocity(layer: u8) -> u8 {
    (u16::from(layer) * 8).min(127) as u8
}

/// The sample to play `note` at `velocity` with, if one is near enough in pitch.
pub fn choose(samples: &[Recorded], note: u8, velocity: u8) -> Option<Choice> {
    let cost = |sample: &Recorded| {
        let pitch = (i32::from(sample.note) - i32::from(note)).abs() as f32;
        let strength = (i32::from(sample.velocity) - i32::from(velocity)).abs() as f32;
        pitch + strength / VELOCITY_STEPS_PER_SEMITONE
    };
    let (index, sample) = samples
        .iter()
        .enumerate()
        .filter(|(_, sample)| (i32::from(sample.note) - i32::from(note)).abs() <= MAX_SHIFT)
        .min_by(|(_, a), (_, b)| cost(a).total_cmp(&cost(b)))?;
    let shift = i32::from(note) - i32::from(sample.note);
    let strength = f32::from(velocity.max(1)) / f32::from(sample.velocity.max(1));
    Some(Choice {
        index,
        rate: 2f32.powf(shift as f32 / 12.0),
        gain: BASE_GAIN * strength.clamp(0.25, 1.6),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOFT: u8 = 32;
    const MEDIUM: u8 = 80;
    const LOUD: u8 = 127;

    fn every_minor_third(velocity: u8) -> impl Iterator<Item = Recorded> {
        (21..=108)
            .step_by(3)
            .map(move |note| Recorded { note, velocity })
    }

    #[test]
    fn a_sampled_pitch_plays_unshifted() {
        let samples: Vec<_> = every_minor_third(MEDIUM).collect();
        let choice = choose(&samples, 60, MEDIUM).unwrap();
        assert_eq!(samples[choice.index].note, 60);
        assert_eq!(choice.rate, 1.0);
        assert_eq!(choice.gain, BASE_GAIN);
    }

    #[test]
    fn a_note_between_samples_is_shifted_from_the_nearest() {
        let samples: Vec<_> = every_minor_third(MEDIUM).collect();
        let choice = choose(&samples, 61, MEDIUM).unwrap();
        assert_eq!(samples[choice.index].note, 60);
        assert!((choice.rate - 2f32.powf(1.0 / 12.0)).abs() < 1e-6);
        let choice = choose(&samples, 62, MEDIUM).unwrap();
        assert_eq!(samples[choice.index].note, 63);
        assert!(choice.rate < 1.0);
    }

    #[test]
    fn the_layer_nearest_the_velocity_is_chosen() {
        let samples: Vec<_> = [SOFT, MEDIUM, LOUD]
            .into_iter()
            .flat_map(every_minor_third)
            .collect();
        for (velocity, layer) in [
            (10, SOFT),
            (50, SOFT),
            (70, MEDIUM),
            (100, MEDIUM),
            (120, LOUD),
        ] {
            let choice = choose(&samples, 60, velocity).unwrap();
            assert_eq!(samples[choice.index].velocity, layer, "velocity {velocity}");
            assert_eq!(samples[choice.index].note, 60);
        }
    }

    #[test]
    fn a_harder_strike_is_louder_within_bounds() {
        let samples = [Recorded {
            note: 60,
            velocity: MEDIUM,
        }];
        let soft = choose(&samples, 60, 40).unwrap().gain;
        let hard = choose(&samples, 60, 110).unwrap().gain;
        assert!(soft < BASE_GAIN && BASE_GAIN < hard);
        assert_eq!(choose(&samples, 60, 1).unwrap().gain, BASE_GAIN * 0.25);
        // Velocity 0 never divides by zero or silences a note-on.
        assert!(choose(&samples, 60, 0).unwrap().gain > 0.0);
    }

    #[test]
    fn nothing_near_enough_means_no_sample() {
        assert_eq!(choose(&[], 60, 80), None);
        let first_set = [Recorded {
            note: 60,
            velocity: MEDIUM,
        }];
        assert!(choose(&first_set, 66, 80).is_some());
        assert_eq!(choose(&first_set, 67, 80), None);
        assert_eq!(choose(&first_set, 53, 80), None);
    }

    #[test]
    fn a_near_pitch_in_another_layer_beats_a_far_pitch_in_the_right_one() {
        // The loud layer is still loading: one loud sample far away, a medium one close by.
        let samples = [
            Recorded {
                note: 54,
                velocity: LOUD,
            },
            Recorded {
                note: 60,
                velocity: MEDIUM,
            },
        ];
        assert_eq!(choose(&samples, 60, 127).unwrap().index, 1);
    }

    #[test]
    fn layers_spread_over_midi_velocities() {
        assert_eq!(layer_velocity(1), 8);
        assert_eq!(layer_velocity(10), 80);
        assert_eq!(layer_velocity(16), 127);
    }
}
