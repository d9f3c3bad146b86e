//! Writing a score as a Standard MIDI File.
//!
//! Format 0: a single track holding the tempo, the notes and the pedal, on channel 1. Every
//! player and editor opens it, and a score has no parts to keep apart in separate tracks.

use midly::{
    num::{u15, u24, u28, u4, u7},
    Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind,
};

use super::{
    super::{tempo::micros_per_quarter, Score},
    SUSTAIN,
};

/// Ticks per quarter note: divisible by 2, 3, 4, 5, 8 and 16, so common note lengths are whole.
const TICKS_PER_QUARTER: u16 = 480;

/// The latest tick written, past ten years of music at 400 bpm: later times are clamped to it,
/// which also bounds the filler events below.
const LAST_TICK: u64 = 1 << 40;

/// The longest delta time an event can carry (28 bits).
const LONGEST_DELTA: u32 = 0x0FFF_FFFF;

/// Writes `score` as MIDI bytes.
pub(in super::super) fn write(score: &Score) -> Vec<u8> {
    let micros = micros_per_quarter(score.tempo_bpm);
    let mut events = events(score, micros);
    // Stable, and keyed so each tick's events come in a safe order (see `Order`).
    events.sort_by_key(|event| (event.tick, event.order));

    let mut track = vec![TrackEvent {
        delta: u28::new(0),
        kind: TrackEventKind::Meta(MetaMessage::Tempo(u24::new(micros))),
    }];
    let mut previous = 0;
    for event in &events {
        // A longer gap (a day at 400 bpm) is bridged by empty markers, which players skip, so
        // even the longest sheet keeps its timing instead of being squeezed.
        while event.tick - previous > u64::from(LONGEST_DELTA) {
            track.push(TrackEvent {
                delta: u28::new(LONGEST_DELTA),
                kind: TrackEventKind::Meta(MetaMessage::Marker(&[])),
            });
            previous += u64::from(LONGEST_DELTA);
        }
        track.push(TrackEvent {
            // At most `LONGEST_DELTA` after the loop above, so the cast keeps every bit.
            delta: u28::new((event.tick - previous) as u32),
            kind: TrackEventKind::Midi {
                channel: u4::new(0),
                message: event.message,
            },
        });
        previous = event.tick;
    }
    track.push(TrackEvent {
        delta: u28::new(0),
        kind: TrackEventKind::Meta(MetaMessage::EndOfTrack),
    });

    let smf = Smf {
        header: Header::new(
            Format::SingleTrack,
            Timing::Metrical(u15::new(TICKS_PER_QUARTER)),
        ),
        tracks: vec![track],
    };
    let mut bytes = Vec::new();
    // Writing to memory only fails past the format's own limit of 4 GB a track: at under 8
    // bytes an event, that is hundreds of millions of notes, more than a score in memory holds.
    smf.write(&mut bytes)
        .expect("a MIDI file in memory stays under 4 GB a track");
    bytes
}

/// Where an event goes among those at the same tick. Notes that end come first, so a key struck
/// again at the moment it is released starts a new note instead of being cut off; a note that
/// starts and ends on the same tick goes on and off before any other starts, so its note-off
/// cannot end another note of its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Order {
    /// The note-off of a note that lasted at least one tick.
    Release,
    /// A pedal change.
    Pedal,
    /// A note lasting no tick: on, then off (`index` keeps the pair together).
    Instant {
        /// The note's index in the score.
        index: usize,
        /// 0 for the note-on, 1 for its note-off.
        step: u8,
    },
    /// The note-on of a note that lasts at least one tick.
    Strike,
}

/// A channel message at a tick.
struct Timed {
    /// Ticks from the start.
    tick: u64,
    /// Its place among the events of its tick.
    order: Order,
    /// The message.
    message: MidiMessage,
}

/// The channel messages of a score, unsorted.
fn events(score: &Score, micros: u32) -> Vec<Timed> {
    let tick = |ms: f64| to_tick(ms, micros);
    let mut events = Vec::with_capacity(score.notes.len() * 2 + score.pedal.len());
    for (index, note) in score.notes.iter().enumerate() {
        // MIDI names keys 0 to 127 only; another number has no key to play.
        let Some(key) = u7::try_from(note.key) else {
            continue;
        };
        // Velocity 0 would be read as a note-off.
        let vel = u7::new(note.velocity.clamp(1, 127));
        let (start, end) = (
            tick(note.start_ms),
            tick(note.start_ms + note.duration_ms.max(0.0)),
        );
        let (on, off) = if end > start {
            (Order::Strike, Order::Release)
        } else {
            let instant = |step| Order::Instant { index, step };
            (instant(0), instant(1))
        };
        events.push(Timed {
            tick: start,
            order: on,
            message: MidiMessage::NoteOn { key, vel },
        });
        events.push(Timed {
            tick: end.max(start),
            order: off,
            message: MidiMessage::NoteOff {
                key,
                vel: u7::new(0),
            },
        });
    }
    for change in &score.pedal {
        events.push(Timed {
            tick: tick(change.at_ms),
            order: Order::Pedal,
            message: MidiMessage::Controller {
                controller: u7::new(SUSTAIN),
                value: u7::new(if change.down { 127 } else { 0 }),
            },
        });
    }
    events
}

/// The tick nearest to `ms` at `micros` µs per quarter; times before the start (or not numbers)
/// are the start, and times past [`LAST_TICK`] are that tick.
fn to_tick(ms: f64, micros: u32) -> u64 {
    let ticks = ms * f64::from(TICKS_PER_QUARTER) * 1000.0 / f64::from(micros);
    if ticks.is_nan() {
        return 0;
    }
    // Clamped into range first (2^40 is exact as a float), so the cast is exact.
    ticks.round().clamp(0.0, LAST_TICK as f64) as u64
}

#[cfg(test)]
mod tests {
    use super::super::super::{Note, PedalChange};
    use super::*;

    /// The channel messages of a written file, with absolute ticks.
    fn messages(bytes: &[u8]) -> Vec<(u64, MidiMessage)> {
        let smf = Smf::parse(bytes).unwrap();
        assert_eq!(smf.header.format, Format::SingleTrack);
        assert_eq!(smf.header.timing, Timing::Metrical(u15::new(480)));
        assert_eq!(smf.tracks.len(), 1);
        let mut tick = 0;
        let mut messages = Vec::new();
        for event in &smf.tracks[0] {
            tick += u64::from(event.delta.as_int());
            if let TrackEventKind::Midi { message, .. } = event.kind {
                messages.push((tick, message));
            }
        }
        messages
    }

    fn on(key: u8, vel: u8) -> MidiMessage {
        MidiMessage::NoteOn {
            key: u7::new(key),
            vel: u7::new(vel),
        }
    }

    fn off(key: u8) -> MidiMessage {
        MidiMessage::NoteOff {
            key: u7::new(key),
            vel: u7::new(0),
        }
    }

    #[test]
    fn one_track_with_the_tempo_first_and_the_end_last() {
        let score = Score {
            notes: vec![Note::new(0.0, 500.0, 60, 96)],
            pedal: vec![],
            tempo_bpm: 100.0,
        };
        let smf_bytes = write(&score);
        let smf = Smf::parse(&smf_bytes).unwrap();
        let track = &smf.tracks[0];
        assert_eq!(
            track[0].kind,
            TrackEventKind::Meta(MetaMessage::Tempo(u24::new(600_000)))
        );
        assert_eq!(
            track.last().map(|event| event.kind),
            Some(TrackEventKind::Meta(MetaMessage::EndOfTrack))
        );
        // 100 bpm: 600 ms a quarter, so 500 ms is 400 ticks.
        assert_eq!(messages(&smf_bytes), [(0, on(60, 96)), (400, off(60))]);
    }

    #[test]
    fn a_key_struck_again_as_it_is_released_is_released_first() {
        let score = Score {
            notes: vec![
                Note::new(0.0, 250.0, 60, 90),
                Note::new(250.0, 250.0, 60, 80),
            ],
            pedal: vec![],
            tempo_bpm: 120.0,
        };
        assert_eq!(
            messages(&write(&score)),
            [
                (0, on(60, 90)),
                (240, off(60)),
                (240, on(60, 80)),
                (480, off(60))
            ]
        );
    }

    #[test]
    fn a_note_of_no_length_goes_on_and_off_before_others_start() {
        let score = Score {
            notes: vec![Note::new(0.0, 0.0, 60, 90), Note::new(0.0, 100.0, 60, 80)],
            pedal: vec![],
            tempo_bpm: 120.0,
        };
        let messages = messages(&write(&score));
        assert_eq!(
            &messages[..3],
            [(0, on(60, 90)), (0, off(60)), (0, on(60, 80))]
        );
    }

    #[test]
    fn the_pedal_is_control_change_64() {
        let score = Score {
            notes: vec![],
            pedal: vec![
                PedalChange {
                    at_ms: 0.0,
                    down: true,
                },
                PedalChange {
                    at_ms: 1000.0,
                    down: false,
                },
            ],
            tempo_bpm: 120.0,
        };
        let cc = |value| MidiMessage::Controller {
            controller: u7::new(64),
            value: u7::new(value),
        };
        assert_eq!(messages(&write(&score)), [(0, cc(127)), (960, cc(0))]);
    }

    #[test]
    fn a_gap_longer_than_a_delta_time_is_bridged_with_markers() {
        // Three days at 400 bpm (3200 ticks a second) is 829 440 000 ticks: three markers.
        let three_days = 3.0 * 86_400_000.0;
        let score = Score {
            notes: vec![Note::new(three_days, 1000.0, 60, 96)],
            pedal: vec![],
            tempo_bpm: 400.0,
        };
        let bytes = write(&score);
        let smf = Smf::parse(&bytes).unwrap();
        let markers = smf.tracks[0]
            .iter()
            .filter(|event| event.kind == TrackEventKind::Meta(MetaMessage::Marker(&[])))
            .count();
        assert_eq!(markers, 3);
        assert_eq!(
            messages(&bytes),
            [(829_440_000, on(60, 96)), (829_443_200, off(60))]
        );
    }

    #[test]
    fn what_midi_cannot_say_is_bent_to_what_it_can() {
        let score = Score {
            notes: vec![
                Note::new(-5.0, f64::NAN, 60, 0),
                Note::new(0.0, 10.0, 200, 96),
                Note::new(f64::INFINITY, 10.0, 61, 255),
            ],
            pedal: vec![],
            tempo_bpm: f64::NAN,
        };
        let messages = messages(&write(&score));
        assert_eq!(
            messages,
            [
                (0, on(60, 1)),
                (0, off(60)),
                (LAST_TICK, on(61, 127)),
                (LAST_TICK, off(61))
            ]
        );
    }
}
