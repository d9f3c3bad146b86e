//! What a `--music` sender plays: phrases of a four-note chord and a sixteen-note run (up or
//! down a major scale) all over the 88 keys, every note released, and the sustain pedal going
//! down and up every 1.5 s. A pure function of the step index, so the pattern is tested
//! without a clock.
//!
//! One step is one note-on slot (`1 / --rate`): a chord takes four slots at once and rings
//! through the next three, then the run plays one note per slot, each releasing the one before,
//! so a sender plays exactly `--rate` note-ons a second on average. Events of one step leave
//! together in one batch, the pedal first, then releases, then strikes.

use pianorhythm_core::{
    notes::{HIGHEST_KEY, LOWEST_KEY},
    protocol::{NoteEvent, NoteEventKind},
};

/// The sustain pedal's controller number.
pub const SUSTAIN_PEDAL: u32 = 64;
/// Steps in one phrase: the chord's slots, then the run's.
const PHRASE_STEPS: u64 = 20;
/// A major chord with the octave above: semitones above the root.
const CHORD: [u32; 4] = [0, 4, 7, 12];
/// Sixteen notes up a major scale from the root: semitones above the root.
const RUN: [u32; 16] = [0, 2, 4, 5, 7, 9, 11, 12, 14, 16, 17, 19, 21, 23, 24, 26];
/// The highest a phrase reaches above its root.
const PHRASE_SPAN: u32 = RUN[RUN.len() - 1];
/// Roots a phrase may start on so that all of it stays on the 88 keys.
const ROOTS: u32 = (HIGHEST_KEY - LOWEST_KEY) as u32 - PHRASE_SPAN + 1;
/// Seconds between pedal changes.
const PEDAL_SECONDS: f64 = 1.5;

/// One sender's music.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Music {
    /// The sender's position among all senders: each starts its phrases on other keys and
    /// moves its pedal at another moment.
    slot: u32,
    /// Steps between pedal changes: [`PEDAL_SECONDS`] at the sender's rate.
    pedal_every: u64,
    /// Velocity of every note-on (the loader tags notes with their sender's instance in it).
    velocity: u32,
}

fn event(kind: NoteEventKind, key: u32, value: u32) -> NoteEvent {
    NoteEvent {
        offset_ms: 0,
        kind: kind as i32,
        key,
        value,
    }
}

impl Music {
    /// The music of the sender in `slot`, playing `rate` note-ons a second with `velocity`.
    pub fn new(slot: u32, rate: f64, velocity: u32) -> Self {
        Music {
            slot,
            pedal_every: ((rate * PEDAL_SECONDS).round() as u64).max(1),
            velocity,
        }
    }

    /// The lowest key of `phrase`: roots leap by a fifth-and-a-bit each phrase, and senders
    /// start apart, so together they cover the whole keyboard.
    fn root(&self, phrase: u64) -> u32 {
        let spread = phrase * 17 + u64::from(self.slot) * 23;
        u32::from(LOWEST_KEY) + (spread % u64::from(ROOTS)) as u32
    }

    /// The `index`-th note of `phrase`'s run: up the scale in even phrases, down in odd ones.
    fn run_key(&self, phrase: u64, index: usize) -> u32 {
        let index = if phrase.is_multiple_of(2) {
            index
        } else {
            RUN.len() - 1 - index
        };
        self.root(phrase) + RUN[index]
    }

    fn chord_keys(&self, phrase: u64) -> impl Iterator<Item = u32> {
        let root = self.root(phrase);
        CHORD.into_iter().map(move |interval| root + interval)
    }

    /// The keys still sounding once `step` has been played.
    fn sounding_after(&self, step: u64) -> Vec<u32> {
        let (phrase, position) = (step / PHRASE_STEPS, (step % PHRASE_STEPS) as usize);
        if position < CHORD.len() {
            self.chord_keys(phrase).collect()
        } else {
            vec![self.run_key(phrase, position - CHORD.len())]
        }
    }

    /// The pedal change due at `step`, if any: down, up, down… from each sender's own start.
    fn pedal(&self, step: u64) -> Option<NoteEvent> {
        let shifted = step + u64::from(self.slot) * 37 % self.pedal_every;
        shifted.is_multiple_of(self.pedal_every).then(|| {
            let down = (shifted / self.pedal_every).is_multiple_of(2);
            event(
                NoteEventKind::ControlChange,
                SUSTAIN_PEDAL,
                if down { 127 } else { 0 },
            )
        })
    }

    /// The events of step `step` (counted from 0 when the sender starts), in playing order;
    /// empty while a chord rings.
    pub fn step(&self, step: u64) -> Vec<NoteEvent> {
        let (phrase, position) = (step / PHRASE_STEPS, (step % PHRASE_STEPS) as usize);
        let mut events: Vec<NoteEvent> = self.pedal(step).into_iter().collect();
        let off = |key| event(NoteEventKind::NoteOff, key, 0);
        let on = |key| event(NoteEventKind::NoteOn, key, self.velocity);
        let chord = CHORD.len();
        if position == 0 {
            if step > 0 {
                events.extend(self.sounding_after(step - 1).into_iter().map(off));
            }
            events.extend(self.chord_keys(phrase).map(on));
        } else if position >= chord {
            events.extend(self.sounding_after(step - 1).into_iter().map(off));
            events.push(on(self.run_key(phrase, position - chord)));
        }
        events
    }

    /// What ends the music after `steps` steps: every key still sounding released and the
    /// pedal up, so nothing rings on in the listeners' pages.
    pub fn ending(&self, steps: u64) -> Vec<NoteEvent> {
        let mut events: Vec<NoteEvent> = match steps {
            0 => Vec::new(),
            played => self
                .sounding_after(played - 1)
                .into_iter()
                .map(|key| event(NoteEventKind::NoteOff, key, 0))
                .collect(),
        };
        events.push(event(NoteEventKind::ControlChange, SUSTAIN_PEDAL, 0));
        events
    }
}

/// How many of `events` are note-ons: what the note quota and the figures count.
pub fn note_ons(events: &[NoteEvent]) -> u64 {
    events
        .iter()
        .filter(|event| event.kind() == NoteEventKind::NoteOn)
        .count() as u64
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn keys(events: &[NoteEvent], kind: NoteEventKind) -> Vec<u32> {
        events
            .iter()
            .filter(|event| event.kind() == kind)
            .map(|event| event.key)
            .collect()
    }

    #[test]
    fn plays_exactly_one_note_on_per_step_on_average() {
        let music = Music::new(3, 100.0, 100);
        let played: u64 = (0..1000).map(|step| note_ons(&music.step(step))).sum();
        assert_eq!(played, 1000);
        assert_eq!(keys(&music.step(0), NoteEventKind::NoteOn).len(), 4);
        assert!(music
            .step(1)
            .iter()
            .all(|e| e.kind() != NoteEventKind::NoteOn));
    }

    #[test]
    fn every_note_is_released_before_it_is_struck_again_and_at_the_end() {
        let music = Music::new(5, 100.0, 100);
        let mut sounding = HashSet::new();
        let steps = 777;
        for step in 0..steps {
            let events = music.step(step);
            for key in keys(&events, NoteEventKind::NoteOff) {
                assert!(
                    sounding.remove(&key),
                    "step {step}: {key} released but not held"
                );
            }
            for key in keys(&events, NoteEventKind::NoteOn) {
                assert!(sounding.insert(key), "step {step}: {key} struck while held");
            }
        }
        for key in keys(&music.ending(steps), NoteEventKind::NoteOff) {
            assert!(sounding.remove(&key));
        }
        assert!(sounding.is_empty(), "left sounding: {sounding:?}");
    }

    #[test]
    fn phrases_cover_the_whole_keyboard_and_stay_on_it() {
        let struck: HashSet<u32> = (0..10)
            .flat_map(|slot| {
                let music = Music::new(slot, 100.0, 100);
                (0..3000).flat_map(move |step| keys(&music.step(step), NoteEventKind::NoteOn))
            })
            .collect();
        let piano: HashSet<u32> = (u32::from(LOWEST_KEY)..=u32::from(HIGHEST_KEY)).collect();
        assert!(struck.is_subset(&piano));
        assert!(struck.contains(&u32::from(LOWEST_KEY)));
        assert!(struck.contains(&u32::from(HIGHEST_KEY)));
        assert!(struck.len() > 80, "only {} keys played", struck.len());
    }

    #[test]
    fn runs_go_up_then_down_one_note_at_a_time() {
        let music = Music::new(0, 100.0, 100);
        let run = |phrase: u64| -> Vec<u32> {
            (4..20)
                .flat_map(|position| {
                    keys(&music.step(phrase * 20 + position), NoteEventKind::NoteOn)
                })
                .collect()
        };
        let (up, down) = (run(0), run(1));
        assert_eq!(up.len(), 16);
        assert!(up.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(down.windows(2).all(|pair| pair[0] > pair[1]));
    }

    #[test]
    fn the_pedal_alternates_every_one_and_a_half_seconds_and_ends_up() {
        let music = Music::new(2, 100.0, 100);
        let changes: Vec<(u64, u32)> = (0..1000)
            .flat_map(|step| {
                music
                    .step(step)
                    .into_iter()
                    .filter(|e| e.kind() == NoteEventKind::ControlChange && e.key == SUSTAIN_PEDAL)
                    .map(move |e| (step, e.value))
            })
            .collect();
        assert!(changes.len() >= 6);
        assert!(changes.windows(2).all(|pair| pair[1].0 - pair[0].0 == 150));
        assert!(changes.windows(2).all(|pair| pair[0].1 != pair[1].1));
        let last = music.ending(1000).pop().unwrap();
        assert_eq!((last.key, last.value), (SUSTAIN_PEDAL, 0));
    }

    #[test]
    fn senders_play_different_keys() {
        let (a, b) = (Music::new(0, 100.0, 100), Music::new(1, 100.0, 100));
        assert_ne!(a.step(0), b.step(0));
        assert!(a
            .step(0)
            .iter()
            .all(|e| e.value == 100 || e.kind() != NoteEventKind::NoteOn));
    }
}
