//! A room's recording as the browser sends it, checked and written as a MIDI file: to download,
//! or to keep as a sheet.
//!
//! The browser pairs what it heard into notes; nothing it sends is trusted: every time, key
//! and velocity is checked, and the size is bounded, before a score is made of it.

use pianorhythm_api::sheets::Recording;

use crate::service_error::ServiceError;
use pianorhythm_core::sheet_format::{self, Note, PedalChange, Score, MAX_NOTES};

/// The longest recording, in ms: six hours, far beyond any session worth keeping, and short
/// enough that MIDI ticks stay small numbers.
pub const MAX_RECORDING_MS: f64 = 6.0 * 3_600_000.0;

/// Recordings are written at this tempo: a MIDI tick is then about a millisecond.
const RECORDING_TEMPO_BPM: f64 = 120.0;

/// The recording as a Standard MIDI File.
pub fn to_midi(recording: &Recording) -> Result<Vec<u8>, ServiceError> {
    Ok(sheet_format::to_midi(&score(recording)?))
}

/// The recording as a score, if it holds something and every value in it is possible.
pub fn score(recording: &Recording) -> Result<Score, ServiceError> {
    if recording.notes.is_empty() {
        return Err(invalid("nothing was recorded"));
    }
    if recording.notes.len() > MAX_NOTES || recording.pedal.len() > MAX_NOTES {
        return Err(invalid(format!(
            "a recording holds at most {MAX_NOTES} notes and as many pedal changes"
        )));
    }
    let mut notes = Vec::with_capacity(recording.notes.len());
    for note in &recording.notes {
        if note.key > 127 || !(1..=127).contains(&note.velocity) {
            return Err(invalid("a note's key or velocity is not a MIDI value"));
        }
        notes.push(Note {
            start_ms: time(note.start_ms)?,
            duration_ms: time(note.duration_ms)?,
            key: note.key,
            velocity: note.velocity,
        });
    }
    sheet_format::sort_notes(&mut notes);
    let notes = one_strike_per_key(notes);
    let mut pedal = Vec::with_capacity(recording.pedal.len());
    for change in &recording.pedal {
        pedal.push(PedalChange {
            at_ms: time(change.at_ms)?,
            down: change.down,
        });
    }
    pedal.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
    Ok(Score {
        notes,
        pedal,
        tempo_bpm: RECORDING_TEMPO_BPM,
    })
}

/// Two players may hold one key at once, which a MIDI file (and a piano) cannot: a key struck
/// again ends the note it was sounding, and two strikes at the same moment are one, as loud and
/// as long as the stronger of them. `notes` are sorted by start.
fn one_strike_per_key(notes: Vec<Note>) -> Vec<Note> {
    let mut kept: Vec<Note> = Vec::with_capacity(notes.len());
    let mut sounding: [Option<usize>; 128] = [None; 128];
    for note in notes {
        let key = usize::from(note.key);
        if let Some(index) = sounding[key] {
            let earlier = &mut kept[index];
            if earlier.start_ms == note.start_ms {
                earlier.velocity = earlier.velocity.max(note.velocity);
                earlier.duration_ms = earlier.duration_ms.max(note.duration_ms);
                continue;
            }
            let end = earlier.start_ms + earlier.duration_ms;
            if note.start_ms < end {
                earlier.duration_ms = note.start_ms - earlier.start_ms;
            }
        }
        sounding[key] = Some(kept.len());
        kept.push(note);
    }
    kept
}

/// A time or duration in ms: finite, not negative, within the longest recording.
fn time(ms: f64) -> Result<f64, ServiceError> {
    if ms.is_finite() && (0.0..=MAX_RECORDING_MS).contains(&ms) {
        Ok(ms)
    } else {
        Err(invalid(
            "a time in the recording is negative, unknown or over six hours",
        ))
    }
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::field("recording", message)
}

#[cfg(test)]
mod tests {
    use pianorhythm_api::sheets::{PracticeNote, PracticePedal};
    use pianorhythm_core::domain::sheet_music::SheetFormat;

    use super::*;

    #[test]
    fn a_recording_reads_back_from_its_midi_file_within_a_millisecond() {
        let recording = Recording {
            notes: vec![
                PracticeNote::new(250.0, 120.0, 64, 40),
                PracticeNote::new(0.0, 500.0, 60, 100),
                PracticeNote::new(0.0, 500.0, 60, 30),
                PracticeNote::new(1_000.5, 2_000.0, 108, 127),
            ],
            pedal: vec![
                PracticePedal {
                    at_ms: 900.0,
                    down: false,
                },
                PracticePedal {
                    at_ms: 100.0,
                    down: true,
                },
            ],
        };
        let midi = to_midi(&recording).unwrap();
        let read = sheet_format::read(SheetFormat::Midi, &midi).unwrap();
        let expected = score(&recording).unwrap();
        assert_eq!(
            expected.notes.len(),
            3,
            "the two strikes of 60 at 0 are one"
        );
        assert_eq!(expected.notes[0].velocity, 100);
        assert_eq!(read.notes.len(), 3);
        for (read, expected) in read.notes.iter().zip(&expected.notes) {
            assert_eq!((read.key, read.velocity), (expected.key, expected.velocity));
            assert!((read.start_ms - expected.start_ms).abs() <= 1.0, "{read:?}");
            assert!(
                (read.duration_ms - expected.duration_ms).abs() <= 1.0,
                "{read:?}"
            );
        }
        assert_eq!(
            read.pedal
                .iter()
                .map(|change| change.down)
                .collect::<Vec<_>>(),
            [true, false]
        );
    }

    #[test]
    fn a_key_struck_again_while_it_sounds_ends_the_earlier_note() {
        let recording = Recording {
            notes: vec![
                PracticeNote::new(0.0, 1_000.0, 60, 90),
                PracticeNote::new(400.0, 200.0, 60, 50),
            ],
            pedal: Vec::new(),
        };
        let notes = score(&recording).unwrap().notes;
        let spans: Vec<(f64, f64)> = notes.iter().map(|n| (n.start_ms, n.duration_ms)).collect();
        assert_eq!(spans, [(0.0, 400.0), (400.0, 200.0)]);
    }

    #[test]
    fn impossible_recordings_are_refused_by_name() {
        let refused = |notes: Vec<PracticeNote>| match to_midi(&Recording {
            notes,
            pedal: Vec::new(),
        }) {
            Err(ServiceError::Field { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(refused(Vec::new()), "recording");
        assert_eq!(
            refused(vec![PracticeNote::new(0.0, 1.0, 128, 90)]),
            "recording"
        );
        assert_eq!(
            refused(vec![PracticeNote::new(0.0, 1.0, 60, 0)]),
            "recording"
        );
        assert_eq!(
            refused(vec![PracticeNote::new(-1.0, 1.0, 60, 90)]),
            "recording"
        );
        assert_eq!(
            refused(vec![PracticeNote::new(f64::NAN, 1.0, 60, 90)]),
            "recording"
        );
        assert_eq!(
            refused(vec![PracticeNote::new(0.0, f64::INFINITY, 60, 90)]),
            "recording"
        );
        assert_eq!(
            refused(vec![PracticeNote::new(0.0, 1.0, 60, 90); MAX_NOTES + 1]),
            "recording"
        );
    }
}
