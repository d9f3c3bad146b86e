//! Reading Standard MIDI Files (formats 0 and 1) into notes, kept apart by part.
//!
//! Every track's events are merged into one timeline (a track's own order kept for events at the
//! same tick), then replayed once: Set Tempo events steer the [`Clock`], notes pair up per track,
//! channel and key, and control change 64 moves the pedal. Set Tempo counts in whichever track
//! it is, not only the first: files from some editors keep it elsewhere, and a tempo is global
//! in MIDI anyway. SMPTE time divisions are read too; there a tick has a fixed length. Each
//! track and channel that plays notes is a [`Part`], so a player can choose which to hear.

use std::collections::{BTreeMap, HashMap};

use midly::{num::u7, Format, MetaMessage, MidiMessage, TrackEventKind};

use super::{
    super::{
        sort_notes,
        tempo::{bpm, DEFAULT_BPM},
        too_many_notes, FormatError, Note, PedalChange, MAX_NOTES,
    },
    clock::Clock,
    parts::{self, MidiParts, PartKey},
    SUSTAIN,
};

/// Reads a Standard MIDI File.
pub(in super::super) fn read(bytes: &[u8]) -> Result<MidiParts, FormatError> {
    refuse_what_midly_mishandles(bytes)?;
    let (header, tracks) =
        midly::parse(bytes).map_err(|error| midi_error("header", error.to_string()))?;
    if header.format == Format::Sequential {
        return Err(midi_error(
            "header",
            "format 2 (independent sequences, one after the other) is not supported; \
             save the file as format 0 or 1",
        ));
    }
    let mut clock = Clock::new(header.timing).map_err(|message| midi_error("header", message))?;
    let timeline = Timeline::merge(tracks)?;
    Ok(replay(timeline, &mut clock))
}

/// Refuses what midly 0.5 would not read safely. It negates the SMPTE frame rate byte as an
/// `i8`, which overflows (a panic in debug builds) when that byte is 0x80, so that byte is
/// checked first; RIFF-wrapped files (.rmi), which midly unwraps, would hide where it is, so they
/// are refused outright. Neither is a Standard MIDI File anyway.
fn refuse_what_midly_mishandles(bytes: &[u8]) -> Result<(), FormatError> {
    // Said in words, as these are the usual mistakes: an empty file, or some other kind of file.
    if bytes.is_empty() {
        return Err(midi_error("header", "the file is empty"));
    }
    if bytes.starts_with(b"RIFF") {
        return Err(midi_error(
            "header",
            "RIFF-wrapped MIDI (.rmi) is not supported; save it as a standard .mid file",
        ));
    }
    // The time division is bytes 12 and 13 of the header chunk, which opens the file.
    if bytes.starts_with(b"MThd") && bytes.get(12) == Some(&0x80) {
        return Err(midi_error(
            "header",
            "the SMPTE frame rate -128 is not valid",
        ));
    }
    if !bytes.starts_with(b"MThd") {
        return Err(midi_error(
            "header",
            "not a MIDI file (a Standard MIDI File starts with \"MThd\")",
        ));
    }
    Ok(())
}

/// One key on one channel of one track: where a note-off finds its note-on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Voice {
    /// The track's index in the file.
    track: usize,
    /// The MIDI channel, 0 to 15.
    channel: u8,
    /// The MIDI key number.
    key: u8,
}

impl Voice {
    /// The part the voice plays in: its track and channel.
    fn part(self) -> PartKey {
        PartKey {
            track: self.track,
            channel: self.channel,
        }
    }
}

/// The events a score is made of; everything else in a file is left out.
#[derive(Clone, Copy, Debug)]
enum Event {
    /// A key goes down.
    On {
        /// Which key, where.
        voice: Voice,
        /// How hard, 1 to 127.
        velocity: u8,
    },
    /// A key comes up (a note-off, or a note-on of velocity 0).
    Off {
        /// Which key, where.
        voice: Voice,
    },
    /// Control change 64 on any channel.
    Pedal {
        /// Whether the value is 64 or more.
        down: bool,
    },
    /// A Set Tempo meta event.
    Tempo {
        /// The new length of a quarter note, never 0.
        micros_per_quarter: u32,
    },
}

/// Every track's events on one time line.
struct Timeline {
    /// Events and their ticks from the start, in order of time.
    events: Vec<(u64, Event)>,
    /// The tick of the file's last event of any kind: notes still held end there.
    end_tick: u64,
    /// Each track's name (its first Track Name event), by the track's index.
    names: Vec<Option<String>>,
}

impl Timeline {
    /// Reads every track, numbering them from 1 in errors.
    fn merge(tracks: midly::TrackIter<'_>) -> Result<Self, FormatError> {
        let mut events = Vec::new();
        let mut end_tick = 0;
        let mut note_ons = 0;
        let mut names = Vec::new();
        for (index, track) in tracks.enumerate() {
            names.push(None);
            let chunk = format!("track {}", index + 1);
            let mut track = track.map_err(|error| midi_error(&chunk, error.to_string()))?;
            let size = track.unread().len();
            let mut tick: u64 = 0;
            loop {
                let unread = track.unread().len();
                let event = match track.next() {
                    Some(Ok(event)) => event,
                    Some(Err(error)) => return Err(midi_error(&chunk, error.to_string())),
                    // midly stops a track quietly at a malformed event; bytes left unread
                    // before the end mean it met one.
                    None if unread > 0 => {
                        return Err(midi_error(
                            &chunk,
                            format!(
                                "a malformed or cut-off event at byte {} of the track",
                                size - unread
                            ),
                        ))
                    }
                    None => break,
                };
                tick += u64::from(event.delta.as_int());
                if let TrackEventKind::Meta(MetaMessage::TrackName(name)) = event.kind {
                    names[index].get_or_insert_with(|| parts::track_name(name));
                }
                let Some(event) = Event::of(index, event.kind) else {
                    continue;
                };
                if matches!(event, Event::On { .. }) {
                    // Each note-on makes exactly one note, so the count is known here already.
                    note_ons += 1;
                    if note_ons > MAX_NOTES {
                        return Err(too_many_notes());
                    }
                }
                events.push((tick, event));
            }
            end_tick = end_tick.max(tick);
        }
        // Stable: at the same tick, tracks stay in file order and each track in its own.
        events.sort_by_key(|&(tick, _)| tick);
        Ok(Self {
            events,
            end_tick,
            names,
        })
    }
}

impl Event {
    /// The part of a track event a score uses, if any.
    fn of(track: usize, kind: TrackEventKind<'_>) -> Option<Self> {
        match kind {
            // A tempo of 0 µs a quarter would stop time: it is no tempo at all.
            TrackEventKind::Meta(MetaMessage::Tempo(micros)) => {
                let micros_per_quarter = micros.as_int();
                (micros_per_quarter > 0).then_some(Self::Tempo { micros_per_quarter })
            }
            TrackEventKind::Midi { channel, message } => {
                Self::of_message(track, channel.as_int(), message)
            }
            _ => None,
        }
    }

    /// The part of a channel message a score uses, if any.
    fn of_message(track: usize, channel: u8, message: MidiMessage) -> Option<Self> {
        let voice = |key: u7| Voice {
            track,
            channel,
            key: key.as_int(),
        };
        match message {
            // Velocity 0 is how most files say note-off, to keep running status going.
            MidiMessage::NoteOn { key, vel } if vel.as_int() > 0 => Some(Self::On {
                voice: voice(key),
                velocity: vel.as_int(),
            }),
            MidiMessage::NoteOn { key, .. } | MidiMessage::NoteOff { key, .. } => {
                Some(Self::Off { voice: voice(key) })
            }
            MidiMessage::Controller { controller, value } if controller.as_int() == SUSTAIN => {
                Some(Self::Pedal {
                    down: value.as_int() >= 64,
                })
            }
            _ => None,
        }
    }
}

/// Plays the merged events through the clock into notes by part.
fn replay(timeline: Timeline, clock: &mut Clock) -> MidiParts {
    let mut notes: BTreeMap<PartKey, Vec<Note>> = BTreeMap::new();
    let mut pedal: Vec<PedalChange> = Vec::new();
    let mut first_tempo = None;
    // Each sounding voice's start and velocity.
    let mut held: HashMap<Voice, (f64, u8)> = HashMap::new();
    let close = |(start_ms, velocity): (f64, u8), key: u8, end_ms: f64| Note {
        start_ms,
        duration_ms: end_ms - start_ms,
        key,
        velocity,
    };
    for (tick, event) in timeline.events {
        let at_ms = clock.ms(tick);
        match event {
            Event::Tempo { micros_per_quarter } => {
                first_tempo.get_or_insert(micros_per_quarter);
                clock.set_tempo(tick, micros_per_quarter);
            }
            Event::On { voice, velocity } => {
                // Striking a key that still sounds ends the sounding note: one key, one note.
                if let Some(sounding) = held.insert(voice, (at_ms, velocity)) {
                    notes
                        .entry(voice.part())
                        .or_default()
                        .push(close(sounding, voice.key, at_ms));
                }
            }
            Event::Off { voice } => {
                // A note-off for a key that is not down has nothing to end.
                if let Some(sounding) = held.remove(&voice) {
                    notes
                        .entry(voice.part())
                        .or_default()
                        .push(close(sounding, voice.key, at_ms));
                }
            }
            Event::Pedal { down } => {
                // Pedals send a stream of values while they move; only the crossings count, and
                // the pedal starts up.
                if pedal.last().is_some_and(|last| last.down) != down {
                    pedal.push(PedalChange { at_ms, down });
                }
            }
        }
    }
    let end_ms = clock.ms(timeline.end_tick);
    for (voice, sounding) in held {
        notes
            .entry(voice.part())
            .or_default()
            .push(close(sounding, voice.key, end_ms));
    }
    for part in notes.values_mut() {
        sort_notes(part);
    }
    MidiParts {
        parts: parts::named(notes, &timeline.names),
        pedal,
        tempo_bpm: first_tempo.map_or(DEFAULT_BPM, bpm),
    }
}

/// A MIDI error in `chunk`.
fn midi_error(chunk: &str, message: impl Into<String>) -> FormatError {
    FormatError::Midi {
        chunk: chunk.into(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::{super::super::Score, *};

    /// The whole file as one score, every part in it.
    fn read(bytes: &[u8]) -> Result<Score, FormatError> {
        super::read(bytes).map(|parts| parts.score(|_| true))
    }

    /// A Standard MIDI File around hand-written track bytes.
    fn smf(format: u16, division: u16, tracks: &[&[u8]]) -> Vec<u8> {
        let mut bytes = b"MThd\0\0\0\x06".to_vec();
        bytes.extend(format.to_be_bytes());
        bytes.extend(u16::try_from(tracks.len()).unwrap().to_be_bytes());
        bytes.extend(division.to_be_bytes());
        for track in tracks {
            bytes.extend(b"MTrk");
            bytes.extend(u32::try_from(track.len()).unwrap().to_be_bytes());
            bytes.extend(*track);
        }
        bytes
    }

    const END: [u8; 4] = [0x00, 0xFF, 0x2F, 0x00];

    fn chunk_of(result: Result<Score, FormatError>) -> String {
        match result {
            Err(FormatError::Midi { chunk, .. }) => chunk,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn format_1_with_a_tempo_change_and_running_status() {
        // Track 1 sets 120 bpm, then 60 bpm at tick 192 (delta 192 is the varlen 0x81 0x40).
        let tempo = [
            &[0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20][..],
            &[0x81, 0x40, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40],
            &END,
        ]
        .concat();
        // Track 2: one note-on status byte, then running status; velocity 0 ends notes.
        let notes = [
            &[0x00, 0x90, 0x3C, 0x64][..], // tick 0: C4 on, velocity 100
            &[0x60, 0x40, 0x50],           // tick 96: E4 on, velocity 80
            &[0x60, 0x3C, 0x00],           // tick 192: C4 off
            &[0x60, 0x40, 0x00],           // tick 288: E4 off
            &[0x00, 0x43, 0x70],           // tick 288: G4 on, velocity 112
            &[0x81, 0x40, 0x43, 0x00],     // tick 480: G4 off
            &END,
        ]
        .concat();
        let score = read(&smf(1, 96, &[&tempo, &notes])).unwrap();
        // 96 ticks a quarter: 500 ms each until tick 192 (1000 ms), then 1000 ms each.
        assert_eq!(
            score.notes,
            [
                Note::new(0.0, 1000.0, 60, 100),
                Note::new(500.0, 1500.0, 64, 80),
                Note::new(2000.0, 2000.0, 67, 112),
            ]
        );
        assert_eq!(score.tempo_bpm, 120.0);
        assert!(score.pedal.is_empty());
    }

    #[test]
    fn format_0_keeps_its_tempo_in_its_only_track() {
        let track = [
            &[0x00, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40][..], // 60 bpm
            &[0x00, 0x90, 0x3C, 0x40],
            &[0x83, 0x60, 0x80, 0x3C, 0x00], // tick 480: a real note-off
            &END,
        ]
        .concat();
        let score = read(&smf(0, 480, &[&track])).unwrap();
        assert_eq!(score.notes, [Note::new(0.0, 1000.0, 60, 64)]);
        assert_eq!(score.tempo_bpm, 60.0);
    }

    #[test]
    fn without_a_tempo_a_file_is_120_bpm() {
        let track = [&[0x00, 0x90, 0x3C, 0x40, 0x60, 0x3C, 0x00][..], &END].concat();
        let score = read(&smf(0, 96, &[&track])).unwrap();
        assert_eq!(score.notes, [Note::new(0.0, 500.0, 60, 64)]);
        assert_eq!(score.tempo_bpm, 120.0);
    }

    #[test]
    fn stray_note_offs_are_ignored_and_held_notes_end_with_the_file() {
        let first = [
            &[0x00, 0x80, 0x3E, 0x00][..], // D4 off, never on
            &[0x00, 0x90, 0x3C, 0x40],     // C4 on, never off
            &END,
        ]
        .concat();
        // The second track runs longest: its last event is at tick 192, 1000 ms.
        let second = [&[0x81, 0x40, 0xFF, 0x01, 0x01, b'x'][..], &END].concat();
        let score = read(&smf(1, 96, &[&first, &second])).unwrap();
        assert_eq!(score.notes, [Note::new(0.0, 1000.0, 60, 64)]);
    }

    #[test]
    fn a_key_struck_while_it_sounds_ends_the_sounding_note() {
        let track = [
            &[0x00, 0x90, 0x3C, 0x40][..],
            &[0x60, 0x3C, 0x50],
            &[0x60, 0x3C, 0x00],
            &[0x60, 0x3C, 0x00],
            &END,
        ]
        .concat();
        let score = read(&smf(0, 96, &[&track])).unwrap();
        assert_eq!(
            score.notes,
            [
                Note::new(0.0, 500.0, 60, 64),
                Note::new(500.0, 500.0, 60, 80)
            ]
        );
    }

    #[test]
    fn the_pedal_follows_control_change_64_crossing_the_middle() {
        let track = [
            &[0x00, 0xB0, 0x40, 0x00][..], // up while up: nothing
            &[0x00, 0x40, 0x7F],           // tick 0: down
            &[0x30, 0x40, 0x50],           // still down (80 >= 64)
            &[0x30, 0x40, 0x3F],           // tick 96: up (63)
            &[0x00, 0x07, 0x7F],           // volume: not the pedal
            &[0x60, 0xB3, 0x40, 0x40],     // tick 192, another channel: down (64)
            &END,
        ]
        .concat();
        let score = read(&smf(0, 96, &[&track])).unwrap();
        let changes: Vec<(f64, bool)> = score.pedal.iter().map(|c| (c.at_ms, c.down)).collect();
        assert_eq!(changes, [(0.0, true), (500.0, false), (1000.0, true)]);
    }

    #[test]
    fn smpte_time_is_read() {
        // -25 frames a second (0xE7), 40 ticks a frame: a tick is 1 ms.
        let track = [&[0x00, 0x90, 0x3C, 0x40, 0x87, 0x68, 0x3C, 0x00][..], &END].concat();
        let score = read(&smf(0, 0xE728, &[&track])).unwrap();
        assert_eq!(score.notes, [Note::new(0.0, 1000.0, 60, 64)]);
    }

    #[test]
    fn more_notes_than_the_limit_is_too_large() {
        let notes = |count: usize| {
            let mut track = vec![0x00, 0x90, 0x3C, 0x40];
            for _ in 1..count {
                track.extend([0x00, 0x3C, 0x40]);
            }
            track.extend(END);
            smf(0, 96, &[&track])
        };
        assert_eq!(read(&notes(MAX_NOTES)).unwrap().notes.len(), MAX_NOTES);
        assert!(matches!(
            read(&notes(MAX_NOTES + 1)),
            Err(FormatError::TooLarge(_))
        ));
    }

    #[test]
    fn format_2_is_refused() {
        let error = read(&smf(2, 96, &[&END])).unwrap_err();
        assert_eq!(
            error,
            FormatError::Midi {
                chunk: "header".into(),
                message: "format 2 (independent sequences, one after the other) is not \
                          supported; save the file as format 0 or 1"
                    .into(),
            }
        );
    }

    #[test]
    fn header_mistakes_name_the_header() {
        assert_eq!(chunk_of(read(b"")), "header");
        assert_eq!(chunk_of(read(b"not a midi file")), "header");
        assert_eq!(chunk_of(read(b"MThd\0\0\0\x06\0\x01")), "header");
        assert_eq!(chunk_of(read(&smf(1, 0, &[&END]))), "header");
        assert_eq!(chunk_of(read(&smf(1, 0xE700, &[&END]))), "header");
        assert_eq!(chunk_of(read(b"RIFF\x04\0\0\0RMID")), "header");
    }

    #[test]
    fn each_track_and_channel_is_a_part_named_as_the_file_names_it() {
        // Track 1 is named and plays channel 1; track 2 is unnamed and plays channels 1 and 10.
        let melody = [
            &[0x00, 0xFF, 0x03, 0x06][..],
            b"Melody",
            &[0x00, 0x90, 0x48, 0x40, 0x60, 0x48, 0x00],
            &END,
        ]
        .concat();
        let rest = [
            &[0x00, 0x90, 0x30, 0x40][..],
            &[0x00, 0x99, 0x24, 0x50],
            &[0x60, 0x80, 0x30, 0x00],
            &[0x00, 0x89, 0x24, 0x00],
            &END,
        ]
        .concat();
        let parts = super::read(&smf(1, 96, &[&melody, &rest])).unwrap();
        let names: Vec<&str> = parts.parts.iter().map(|part| part.name.as_str()).collect();
        assert_eq!(
            names,
            ["Melody", "Track 2 (channel 1)", "Track 2 (channel 10)"]
        );
        let keys: Vec<Vec<u8>> = parts
            .parts
            .iter()
            .map(|part| part.notes.iter().map(|note| note.key).collect())
            .collect();
        assert_eq!(keys, [vec![72], vec![48], vec![36]]);
        let without_drums: Vec<u8> = parts
            .score(|index| index != 2)
            .notes
            .iter()
            .map(|note| note.key)
            .collect();
        assert_eq!(without_drums, [48, 72]);
    }

    #[test]
    fn an_empty_file_or_another_kind_of_file_is_said_so() {
        let message = |bytes: &[u8]| match read(bytes) {
            Err(FormatError::Midi { message, .. }) => message,
            other => panic!("{other:?}"),
        };
        assert_eq!(message(b""), "the file is empty");
        assert!(message(b"hello").starts_with("not a MIDI file"));
        assert!(message(b"%PDF-1.7").starts_with("not a MIDI file"));
    }

    #[test]
    fn a_frame_rate_byte_of_0x80_is_an_error_not_a_panic() {
        assert_eq!(chunk_of(read(&smf(0, 0x8001, &[&END]))), "header");
    }

    #[test]
    fn track_mistakes_name_their_track() {
        let good = [&[0x00, 0x90, 0x3C, 0x40][..], &END].concat();
        let cut_off = [0x00, 0x90, 0x3C];
        let system_common = [0x00, 0xF1, 0x00];
        let no_status = [0x00, 0x3C, 0x40];
        for bad in [&cut_off[..], &system_common, &no_status] {
            let error = read(&smf(1, 96, &[&good, bad])).unwrap_err();
            assert!(
                matches!(&error, FormatError::Midi { chunk, .. } if chunk == "track 2"),
                "{bad:?}: {error:?}"
            );
        }
    }
}
