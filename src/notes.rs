//! Piano keys and note names.

/// Most events one note batch may carry (the server refuses more).
pub const MAX_EVENTS_PER_BATCH: usize = 512;
/// Latest offset inside a batch, in ms: batches hold a few ms of notes, not a song.
pub const MAX_BATCH_SPAN_MS: u32 = 5_000;

/// The 88 keys of a piano: A0 (MIDI 21) to C8 (MIDI 108).
pub const LOWEST_KEY: u8 = 21;
pub const HIGHEST_KEY: u8 = 108;

const NAMES: [&str; 12] = [
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

/// "C4" for 60, "A#0" for 22.
pub fn note_name(midi: u8) -> String {
    let octave = i32::from(midi) / 12 - 1;
    format!("{}{octave}", NAMES[usize::from(midi % 12)])
}

pub fn is_black(midi: u8) -> bool {
    matches!(midi % 12, 1 | 3 | 6 | 8 | 10)
}

/// The 88 keys, lowest first.
pub fn piano_keys() -> impl Iterator<Item = u8> {
    LOWEST_KEY..=HIGHEST_KEY
}

/// Frequency in Hz, equal temperament with A4 = 440 Hz.
pub fn frequency(midi: u8) -> f64 {
    440.0 * 2f64.powf((f64::from(midi) - 69.0) / 12.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_scientific_pitch_notation() {
        assert_eq!(note_name(21), "A0");
        assert_eq!(note_name(60), "C4");
        assert_eq!(note_name(61), "C#4");
        assert_eq!(note_name(108), "C8");
    }

    #[test]
    fn a_piano_has_52_white_and_36_black_keys() {
        assert_eq!(piano_keys().count(), 88);
        assert_eq!(piano_keys().filter(|&k| is_black(k)).count(), 36);
    }

    #[test]
    fn a4_is_440_hz() {
        assert_eq!(frequency(69), 440.0);
        assert!((frequency(60) - 261.6256).abs() < 1e-3);
    }
}
