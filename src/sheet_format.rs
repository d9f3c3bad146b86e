//! Sheet music formats read into one timeline, and that timeline written as MIDI.
//!
//! Every format becomes a [`Score`]: notes and sustain pedal in milliseconds from the start, so
//! playback, previews and conversions only ever deal with one shape. [`read`] takes a sheet's
//! bytes as they were uploaded; [`read_midi_parts`] reads a MIDI file keeping its tracks and
//! channels apart (the browser's "Open MIDI file" plays the ones chosen); [`to_midi`] writes a
//! score as a Standard MIDI File, which is how a Virtual Piano sheet is offered for download.
//! The server's uploads and the browser's files go through the same readers.
//!
//! Every input is bounded before any work scales with it: at most
//! [`MAX_CONTENT_BYTES`] bytes and [`MAX_NOTES`] notes, past which reading stops with
//! [`FormatError::TooLarge`].
//!
//! - `keys`: which character of a Virtual Piano sheet plays which key
//! - `midi`: Standard MIDI Files read (by part) and written
//! - `properties`: random-input properties of the readers and the writer (tests only)
//! - `tempo`: tempo as MIDI stores it, shared by the Virtual Piano reader and the MIDI writer
//! - `timeline`: a score as compact bytes, stored beside a sheet so its source is read once
//! - `vp`: Virtual Piano text

mod keys;
mod midi;
#[cfg(test)]
mod properties;
mod tempo;
pub mod timeline;
mod vp;

pub use midi::{MidiParts, Part};

use crate::domain::sheet_music::{SheetFormat, MAX_CONTENT_BYTES};

/// One timeline for every format: notes and pedal in milliseconds from the start.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Sorted by start, then key, then duration (see [`sort_notes`]), so two reads of the same
    /// music compare equal whatever order their source listed simultaneous notes in.
    pub notes: Vec<Note>,
    /// Sorted by time; as the readers make it, consecutive changes never repeat a state.
    pub pedal: Vec<PedalChange>,
    /// The tempo the sheet was written in (the first one, for MIDI files that change it);
    /// informative only, as every time above is already in milliseconds.
    pub tempo_bpm: f64,
}

/// One key pressed and released.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Note {
    /// When the key goes down, in milliseconds from the start.
    pub start_ms: f64,
    /// How long it is held, in milliseconds.
    pub duration_ms: f64,
    /// The MIDI key number (60 is middle C).
    pub key: u8,
    /// How hard it is struck, 1 to 127 as in MIDI.
    pub velocity: u8,
}

#[cfg(test)]
impl Note {
    /// A note, for tests that write scores by hand.
    pub(super) fn new(start_ms: f64, duration_ms: f64, key: u8, velocity: u8) -> Self {
        Self {
            start_ms,
            duration_ms,
            key,
            velocity,
        }
    }
}

/// The sustain pedal going down or coming up.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PedalChange {
    /// When, in milliseconds from the start.
    pub at_ms: f64,
    /// Whether the pedal is down from then on.
    pub down: bool,
}

/// Why a sheet cannot be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FormatError {
    /// A Virtual Piano sheet's mistake, 1-based line and column.
    #[error("line {line}, column {column}: {message}")]
    Text {
        /// The line of the mistake, counted from 1 (a `tempo:` line counts).
        line: usize,
        /// The character of the mistake within its line, counted from 1.
        column: usize,
        /// What is wrong there.
        message: String,
    },
    /// A MIDI file's mistake, naming the chunk (e.g. "header", "track 2").
    #[error("MIDI {chunk}: {message}")]
    Midi {
        /// `header`, or `track n` with tracks counted from 1 in file order.
        chunk: String,
        /// What is wrong there.
        message: String,
    },
    /// The sheet is over [`MAX_CONTENT_BYTES`] bytes or [`MAX_NOTES`] notes.
    #[error("{0}")]
    TooLarge(String),
    /// The format cannot be read (yet), or the file uses a variant of it that is refused.
    #[error("{0}")]
    Unsupported(String),
}

/// The most notes one sheet may hold, whatever its format.
pub const MAX_NOTES: usize = 50_000;

/// Reads a sheet's bytes: `SheetFormat::VirtualPiano` (UTF-8 text) or `SheetFormat::Midi`; any other format is `Unsupported`.
pub fn read(format: SheetFormat, bytes: &[u8]) -> Result<Score, FormatError> {
    within_limit(bytes.len())?;
    match format {
        SheetFormat::VirtualPiano => vp::read(bytes),
        SheetFormat::Midi => midi::read(bytes).map(|parts| parts.score(|_| true)),
        SheetFormat::Mpp | SheetFormat::MusicXml => Err(FormatError::Unsupported(format!(
            "{} sheets cannot be read yet",
            format.as_str()
        ))),
    }
}

/// Reads a Standard MIDI File keeping each track and channel apart, within the limits of
/// [`read`].
pub fn read_midi_parts(bytes: &[u8]) -> Result<MidiParts, FormatError> {
    within_limit(bytes.len())?;
    midi::read(bytes)
}

/// Refuses a sheet of `len` bytes over [`MAX_CONTENT_BYTES`], before any work is done on it (a
/// browser asks before it even reads the file).
pub fn within_limit(len: usize) -> Result<(), FormatError> {
    if len > MAX_CONTENT_BYTES {
        return Err(FormatError::TooLarge(format!(
            "the file is {len} bytes, over the limit of {MAX_CONTENT_BYTES}"
        )));
    }
    Ok(())
}

/// A Standard MIDI File of the score: format 0 (one track holding the tempo, the notes and the
/// pedal, which every player and editor opens), 480 ticks per quarter note at the score's tempo,
/// times rounded to the nearest tick.
///
/// A tick is `125 / tempo_bpm` ms, so starts come back within half a tick and durations within
/// one: within 1 ms from 125 bpm up, and exactly for a Virtual Piano sheet, whose steps are
/// whole ticks. Velocity 0 is written as 1 (0 would mean note-off), and keys above 127, which
/// MIDI cannot name, are left out.
pub fn to_midi(score: &Score) -> Vec<u8> {
    midi::write(score)
}

impl Score {
    /// Notes sorted by start; the score's length in ms.
    ///
    /// The length runs to the last note's release or the last pedal change, whichever is later
    /// (a pedal let go after the last note still ends the sound); 0 for an empty score.
    pub fn duration_ms(&self) -> f64 {
        let note_ends = self
            .notes
            .iter()
            .map(|note| note.start_ms + note.duration_ms);
        let pedal = self.pedal.iter().map(|change| change.at_ms);
        note_ends.chain(pedal).fold(0.0, f64::max)
    }
}

/// Puts notes in the order a [`Score`] keeps them: by start, then key, then duration.
pub fn sort_notes(notes: &mut [Note]) {
    notes.sort_by(|a, b| {
        a.start_ms
            .total_cmp(&b.start_ms)
            .then(a.key.cmp(&b.key))
            .then(a.duration_ms.total_cmp(&b.duration_ms))
            .then(a.velocity.cmp(&b.velocity))
    });
}

/// The error for a sheet with more than [`MAX_NOTES`] notes.
fn too_many_notes() -> FormatError {
    FormatError::TooLarge(format!("the sheet has more than {MAX_NOTES} notes"))
}

/// Compares scores in tests: same notes and pedal in the same order, times within `tolerance`.
#[cfg(test)]
fn assert_close(actual: &Score, expected: &Score, tolerance_ms: f64) {
    let close = |a: f64, b: f64| (a - b).abs() <= tolerance_ms;
    assert_eq!(actual.notes.len(), expected.notes.len(), "note count");
    for (index, (a, e)) in actual.notes.iter().zip(&expected.notes).enumerate() {
        let same = a.key == e.key
            && a.velocity == e.velocity
            && close(a.start_ms, e.start_ms)
            && close(a.duration_ms, e.duration_ms);
        assert!(same, "note {index}: {a:?} is not {e:?}");
    }
    assert_eq!(actual.pedal.len(), expected.pedal.len(), "pedal changes");
    for (a, e) in actual.pedal.iter().zip(&expected.pedal) {
        assert!(
            a.down == e.down && close(a.at_ms, e.at_ms),
            "{a:?} is not {e:?}"
        );
    }
    assert_eq!(actual.tempo_bpm, expected.tempo_bpm, "tempo");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(start_ms: f64, duration_ms: f64, key: u8) -> Note {
        Note::new(start_ms, duration_ms, key, 96)
    }

    #[test]
    fn the_length_runs_to_the_last_release_or_pedal_change() {
        let mut score = Score {
            notes: vec![note(0.0, 1000.0, 60), note(500.0, 200.0, 62)],
            pedal: vec![],
            tempo_bpm: 120.0,
        };
        assert_eq!(score.duration_ms(), 1000.0);
        score.pedal.push(PedalChange {
            at_ms: 1500.0,
            down: false,
        });
        assert_eq!(score.duration_ms(), 1500.0);
        score.notes.clear();
        score.pedal.clear();
        assert_eq!(score.duration_ms(), 0.0);
    }

    #[test]
    fn notes_sort_by_start_then_key() {
        let mut notes = vec![note(10.0, 5.0, 64), note(0.0, 5.0, 70), note(10.0, 5.0, 60)];
        sort_notes(&mut notes);
        let order: Vec<u8> = notes.iter().map(|note| note.key).collect();
        assert_eq!(order, [70, 60, 64]);
    }

    #[test]
    fn over_the_byte_limit_is_too_large_in_every_format() {
        let bytes = vec![b' '; MAX_CONTENT_BYTES + 1];
        for format in [SheetFormat::VirtualPiano, SheetFormat::Midi] {
            assert!(matches!(
                read(format, &bytes),
                Err(FormatError::TooLarge(_))
            ));
        }
        assert!(matches!(
            read_midi_parts(&bytes),
            Err(FormatError::TooLarge(_))
        ));
    }

    #[test]
    fn the_longest_vp_sheet_survives_midi_exactly() {
        // 1.2 million steps: 288 million ticks, past what one delta time can say.
        let text = format!("{}t", "|".repeat(600_000));
        let score = read(SheetFormat::VirtualPiano, text.as_bytes()).unwrap();
        assert_eq!(score.notes[0].start_ms, 300_000_000.0);
        let back = read(SheetFormat::Midi, &to_midi(&score)).unwrap();
        assert_eq!(back, score);
    }

    #[test]
    fn formats_without_a_reader_are_unsupported() {
        for format in [SheetFormat::Mpp, SheetFormat::MusicXml] {
            assert!(matches!(
                read(format, b""),
                Err(FormatError::Unsupported(_))
            ));
        }
    }
}
