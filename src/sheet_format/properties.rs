//! Properties of reading and writing, checked on random input: nothing an uploader sends makes
//! a reader panic, and a score survives the trip through MIDI.

use std::collections::HashMap;

use crate::domain::sheet_music::SheetFormat;
use proptest::{collection::vec, prelude::*, sample::select};

use super::{assert_close, read, sort_notes, to_midi, Note, PedalChange, Score};

/// Every character that is a key in a Virtual Piano sheet.
const KEY_CHARACTERS: &str = "1234567890qwertyuiopasdfghjklzxcvbnm!@$%^*(QWETYIOPSDGHJLZCVB";

/// A tempo in hundredths of a bpm, from `low` to `high` bpm.
fn tempo(low: u32, high: u32) -> impl Strategy<Value = f64> {
    (low * 100..=high * 100).prop_map(|hundredths| f64::from(hundredths) / 100.0)
}

/// A key character.
fn key_character() -> impl Strategy<Value = char> {
    select(KEY_CHARACTERS.chars().collect::<Vec<char>>())
}

/// A valid Virtual Piano sheet: an optional tempo line, then keys, chords, pauses and lines.
fn vp_sheet() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        4 => key_character().prop_map(String::from),
        2 => vec(key_character(), 1..6).prop_map(|keys| format!("[{}]", String::from_iter(keys))),
        2 => Just(" ".to_owned()),
        1 => Just("|".to_owned()),
        1 => Just("\n".to_owned()),
        1 => Just("\r\n".to_owned()),
    ];
    let tempo_line = tempo(20, 400).prop_map(|bpm| format!("tempo: {bpm}\n"));
    (proptest::option::of(tempo_line), vec(token, 0..300))
        .prop_map(|(tempo_line, tokens)| tempo_line.unwrap_or_default() + &tokens.concat())
}

/// Bytes shaped like a MIDI file (a header, then chunks of random events), to reach past the
/// header checks that wholly random bytes rarely get through.
fn midi_like() -> impl Strategy<Value = Vec<u8>> {
    let track = vec(any::<u8>(), 0..200);
    (0_u16..3, any::<u16>(), vec(track, 0..4)).prop_map(|(format, division, tracks)| {
        let mut bytes = b"MThd\0\0\0\x06".to_vec();
        bytes.extend(format.to_be_bytes());
        bytes.extend((tracks.len() as u16).to_be_bytes());
        bytes.extend(division.to_be_bytes());
        for track in tracks {
            bytes.extend(b"MTrk");
            bytes.extend((track.len() as u32).to_be_bytes());
            bytes.extend(track);
        }
        bytes
    })
}

/// A score as the readers make them: notes sorted, never overlapping on one key, on a 1 ms grid;
/// the pedal alternating from down; a tempo from `low` to `high` bpm.
fn score(low: u32, high: u32) -> impl Strategy<Value = Score> {
    // Each note: key, velocity, gap after the key's previous note, duration.
    let note = (0_u8..=127, 1_u8..=127, 0_u32..3000, 0_u32..2000);
    (tempo(low, high), vec(note, 0..80), vec(0_u32..5000, 0..12)).prop_map(
        |(tempo_bpm, notes, pedal_gaps)| {
            let mut free_from: HashMap<u8, u32> = HashMap::new();
            let mut notes: Vec<Note> = notes
                .into_iter()
                .map(|(key, velocity, gap, duration)| {
                    let start = free_from.get(&key).copied().unwrap_or(0) + gap;
                    free_from.insert(key, start + duration);
                    Note {
                        start_ms: f64::from(start),
                        duration_ms: f64::from(duration),
                        key,
                        velocity,
                    }
                })
                .collect();
            sort_notes(&mut notes);
            let mut at = 0;
            let pedal = pedal_gaps
                .into_iter()
                .enumerate()
                .map(|(index, gap)| {
                    at += gap;
                    PedalChange {
                        at_ms: f64::from(at),
                        down: index % 2 == 0,
                    }
                })
                .collect();
            Score {
                notes,
                pedal,
                tempo_bpm,
            }
        },
    )
}

/// The notes by key, then start: an order that rounding to ticks cannot change.
fn by_key(score: &Score) -> Score {
    let mut score = score.clone();
    score.notes.sort_by(|a, b| {
        (a.key, a.start_ms, a.duration_ms)
            .partial_cmp(&(b.key, b.start_ms, b.duration_ms))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    score
}

proptest! {
    #[test]
    fn any_bytes_read_as_midi_without_panicking(bytes in vec(any::<u8>(), 0..600)) {
        let _ = read(SheetFormat::Midi, &bytes);
    }

    #[test]
    fn any_midi_shaped_bytes_read_without_panicking(bytes in midi_like()) {
        let _ = read(SheetFormat::Midi, &bytes);
    }

    #[test]
    fn any_text_reads_as_vp_without_panicking(text in any::<String>()) {
        let _ = read(SheetFormat::VirtualPiano, text.as_bytes());
    }

    #[test]
    fn vp_like_text_reads_without_panicking(text in "[tTempo: 0-9.a-zA-Z!@#$%^&*()\\[\\]| \n\r\t]{0,200}") {
        let _ = read(SheetFormat::VirtualPiano, text.as_bytes());
    }

    #[test]
    fn a_vp_sheet_survives_midi_exactly(text in vp_sheet()) {
        let score = read(SheetFormat::VirtualPiano, text.as_bytes()).unwrap();
        let back = read(SheetFormat::Midi, &to_midi(&score)).unwrap();
        // The promise is 1 ms; as steps are whole ticks and both sides time them from the same
        // microseconds, the times are in fact the very same floats.
        assert_close(&back, &score, 1.0);
        prop_assert_eq!(back, score);
    }

    #[test]
    fn a_score_survives_midi_within_1_ms(score in score(125, 400)) {
        // From 125 bpm a tick is at most 1 ms: starts move at most half a tick, durations one.
        let back = read(SheetFormat::Midi, &to_midi(&score)).unwrap();
        assert_close(&back, &score, 1.0);
    }

    #[test]
    fn a_score_survives_midi_within_a_tick_at_any_tempo(score in score(20, 400)) {
        // Slower, a tick (125 / bpm ms) is longer than a millisecond, and notes a tick apart
        // may land on the same one and so swap places in the score's order.
        let tick_ms = 125.0 / score.tempo_bpm;
        let back = read(SheetFormat::Midi, &to_midi(&score)).unwrap();
        assert_close(&by_key(&back), &by_key(&score), tick_ms + 1e-9);
    }
}
