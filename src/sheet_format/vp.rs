//! Virtual Piano sheets: the plain-text notation of virtualpiano-style sites.
//!
//! ```text
//! tempo: 120
//! t y u [tu] | o p [ad] s
//! ```
//!
//! Time moves in steps of an eighth note. A key character (see [`super::keys`]) plays its note
//! for one step; `[...]` plays its keys together for one step; a space or a line break is a
//! one-step pause and `|` a two-step one. An optional first line `tempo: <bpm>` sets the tempo
//! (20 to 400, at most two decimals; 120 without it). Anything else is a mistake, reported with
//! its line and column so the author can find it.

use super::{
    keys, sort_notes,
    tempo::{micros_per_quarter, DEFAULT_BPM},
    too_many_notes, FormatError, Note, Score, MAX_NOTES,
};

/// How hard every note of a sheet is struck: the notation has no dynamics.
const VELOCITY: u8 = 96;

/// The tempos a `tempo:` line accepts, in beats per minute.
const TEMPO_RANGE: std::ops::RangeInclusive<f64> = 20.0..=400.0;

/// Steps a `|` rests for.
const BAR_STEPS: u64 = 2;

/// Reads a Virtual Piano sheet.
pub(super) fn read(bytes: &[u8]) -> Result<Score, FormatError> {
    let text = utf8(bytes)?;
    // Editors on Windows may start the file with a byte order mark, which nobody sees.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .enumerate()
        .map(|(index, line)| (index + 1, line))
        .peekable();

    let mut tempo_bpm = DEFAULT_BPM;
    if let Some(&(number, first)) = lines.peek() {
        if let Some(tempo) = tempo_line(number, first)? {
            tempo_bpm = tempo;
            lines.next();
        }
    }

    let mut timeline = Timeline::new(micros_per_quarter(tempo_bpm));
    let mut first = true;
    for (number, line) in lines {
        if !first {
            // The line break before this line is a pause like a space.
            timeline.rest(1);
        }
        first = false;
        read_line(&mut timeline, number, line)?;
    }

    let mut notes = timeline.notes;
    sort_notes(&mut notes);
    Ok(Score {
        notes,
        pedal: Vec::new(),
        tempo_bpm,
    })
}

/// Where the music is up to, and the notes so far.
struct Timeline {
    /// Steps from the start.
    step: u64,
    /// Microseconds per quarter note, the tempo the steps are timed by.
    micros_per_quarter: u64,
    /// Every note played so far.
    notes: Vec<Note>,
}

impl Timeline {
    /// An empty timeline at a tempo.
    fn new(micros_per_quarter: u32) -> Self {
        Self {
            step: 0,
            micros_per_quarter: u64::from(micros_per_quarter),
            notes: Vec::new(),
        }
    }

    /// Milliseconds from the start to a step: a step is an eighth note, half a quarter. Worked
    /// out in whole numbers and divided once, as the MIDI reader does from ticks, so the sheet
    /// and its MIDI file give the very same times.
    fn ms(&self, step: u64) -> f64 {
        // A sheet has at most a few million steps and a quarter at most 2^24 µs: far below
        // 2^53, so the product is exact as a float.
        (step * self.micros_per_quarter) as f64 / 2000.0
    }

    /// Moves on `steps` steps without playing.
    fn rest(&mut self, steps: u64) {
        self.step += steps;
    }

    /// Plays `keys` together for one step, each once however often it is named.
    fn play(&mut self, keys: &mut Vec<u8>) -> Result<(), FormatError> {
        keys.sort_unstable();
        keys.dedup();
        if self.notes.len() + keys.len() > MAX_NOTES {
            return Err(too_many_notes());
        }
        let start_ms = self.ms(self.step);
        let duration_ms = self.ms(self.step + 1) - start_ms;
        self.notes.extend(keys.iter().map(|&key| Note {
            start_ms,
            duration_ms,
            key,
            velocity: VELOCITY,
        }));
        self.step += 1;
        Ok(())
    }
}

/// Reads one line of music into the timeline.
fn read_line(timeline: &mut Timeline, number: usize, line: &str) -> Result<(), FormatError> {
    let error = |column: usize, message: String| FormatError::Text {
        line: number,
        column,
        message,
    };
    // The open chord's column and keys.
    let mut chord: Option<(usize, Vec<u8>)> = None;
    for (column, character) in line.chars().enumerate().map(|(i, c)| (i + 1, c)) {
        match (character, &mut chord) {
            ('[', None) => chord = Some((column, Vec::new())),
            ('[', Some((opened, _))) => {
                return Err(error(
                    column,
                    format!("a chord cannot hold another: the one at column {opened} is open"),
                ))
            }
            (']', None) => return Err(error(column, "']' closes no chord".into())),
            (']', Some((opened, keys))) => {
                if keys.is_empty() {
                    return Err(error(*opened, "the chord is empty".into()));
                }
                timeline.play(keys)?;
                chord = None;
            }
            (' ' | '|', Some(_)) => {
                return Err(error(
                    column,
                    format!("{character:?} cannot be inside a chord: close it with ']' first"),
                ))
            }
            (' ', None) => timeline.rest(1),
            ('|', None) => timeline.rest(BAR_STEPS),
            (_, chord) => {
                let Some(key) = keys::key(character) else {
                    return Err(error(
                        column,
                        format!("{character:?} is not a Virtual Piano key"),
                    ));
                };
                match chord {
                    Some((_, keys)) => keys.push(key),
                    None => timeline.play(&mut vec![key])?,
                }
            }
        }
    }
    match chord {
        Some((opened, _)) => Err(error(opened, "'[' is never closed on its line".into())),
        None => Ok(()),
    }
}

/// The tempo of a `tempo: <bpm>` line, or `None` when the line is music.
fn tempo_line(number: usize, line: &str) -> Result<Option<f64>, FormatError> {
    let indent = line.len() - line.trim_start().len();
    let Some(word) = line[indent..].get(..5) else {
        return Ok(None);
    };
    let after_word = &line[indent + word.len()..];
    let Some(value) = after_word.trim_start().strip_prefix(':') else {
        return Ok(None);
    };
    // "tempo" is also five playable keys: only the colon makes it a tempo line.
    if !word.eq_ignore_ascii_case("tempo") {
        return Ok(None);
    }
    let colon = indent + word.len() + (after_word.len() - after_word.trim_start().len());
    let after_colon = &line[colon + 1..];
    let value_at = colon + 1 + (after_colon.len() - after_colon.trim_start().len());
    let value = value.trim();
    let parsed = well_formed_number(value)
        .then(|| value.parse::<f64>().ok())
        .flatten()
        .filter(|bpm| TEMPO_RANGE.contains(bpm));
    match parsed {
        Some(bpm) => Ok(Some(bpm)),
        None => Err(FormatError::Text {
            line: number,
            // The value's first character, or just past the colon when there is none.
            column: line[..value_at].chars().count() + 1,
            message: format!(
                "the tempo must be {} to {} beats per minute with at most two decimals, \
                 like `tempo: 120`",
                TEMPO_RANGE.start(),
                TEMPO_RANGE.end()
            ),
        }),
    }
}

/// Digits with at most two decimals: the tempos a MIDI file gives back unchanged.
fn well_formed_number(value: &str) -> bool {
    let (whole, decimals) = value.split_once('.').unwrap_or((value, ""));
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    !whole.is_empty() && digits(whole) && digits(decimals) && decimals.len() <= 2
}

/// The text of the sheet, or the position of its first byte that is not UTF-8.
fn utf8(bytes: &[u8]) -> Result<&str, FormatError> {
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        // Everything before the bad byte is valid, so it can be counted in characters.
        let before = String::from_utf8_lossy(valid);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        FormatError::Text {
            line,
            column,
            message: "the sheet is not UTF-8 text".into(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> Score {
        read(text.as_bytes()).unwrap()
    }

    /// (start in steps, key) of every note, at `step_ms` per step.
    fn steps(score: &Score, step_ms: f64) -> Vec<(f64, u8)> {
        for note in &score.notes {
            assert_eq!(note.duration_ms, step_ms);
            assert_eq!(note.velocity, VELOCITY);
        }
        let notes = score.notes.iter();
        notes
            .map(|note| (note.start_ms / step_ms, note.key))
            .collect()
    }

    fn mistake(text: &str) -> (usize, usize) {
        match read(text.as_bytes()) {
            Err(FormatError::Text { line, column, .. }) => (line, column),
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn keys_chords_spaces_and_bars_take_their_steps() {
        let score = sheet("t y u [tu] | o p [ad] s");
        assert_eq!(score.tempo_bpm, 120.0);
        assert!(score.pedal.is_empty());
        // 120 bpm: a quarter is 500 ms, a step (an eighth) 250 ms.
        let (t, y, u, o, p, a, d, s) = (60, 62, 64, 67, 69, 71, 74, 72);
        assert_eq!(
            steps(&score, 250.0),
            [
                (0.0, t),
                (2.0, y),
                (4.0, u),
                (6.0, t),
                (6.0, u),
                (11.0, o),
                (13.0, p),
                (15.0, a),
                (15.0, d),
                (17.0, s),
            ]
        );
    }

    #[test]
    fn sharps_and_the_ends_of_the_keyboard() {
        let score = sheet("1!m[T*]");
        assert_eq!(
            steps(&score, 250.0),
            [(0.0, 36), (1.0, 37), (2.0, 96), (3.0, 49), (3.0, 61)]
        );
    }

    #[test]
    fn a_line_break_is_a_space_whatever_the_line_ending() {
        for text in ["t\ny", "t\r\ny", "t y"] {
            assert_eq!(
                steps(&sheet(text), 250.0),
                [(0.0, 60), (2.0, 62)],
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_tempo_line_sets_the_step() {
        let score = sheet("tempo: 100\nt y");
        assert_eq!(score.tempo_bpm, 100.0);
        // 100 bpm: 600 ms a quarter, 300 ms a step; the tempo line itself takes no time.
        assert_eq!(steps(&score, 300.0), [(0.0, 60), (2.0, 62)]);

        let score = sheet("  TEMPO : 62.5 \r\nt");
        assert_eq!(score.tempo_bpm, 62.5);
        assert_eq!(steps(&score, 480.0), [(0.0, 60)]);
    }

    #[test]
    fn steps_follow_the_tempo_a_midi_file_can_hold() {
        // 70 bpm is 857 142.86 µs a quarter; MIDI holds 857 143, and the sheet is timed by it.
        let score = sheet("tempo: 70\nt");
        assert_eq!(score.tempo_bpm, 70.0);
        assert_eq!(score.notes[0].duration_ms, 857_143.0 / 2000.0);
    }

    #[test]
    fn tempo_without_a_colon_is_music() {
        let keys: Vec<u8> = sheet("tempo").notes.iter().map(|note| note.key).collect();
        assert_eq!(keys.len(), 5);
    }

    #[test]
    fn a_key_named_twice_in_a_chord_plays_once() {
        assert_eq!(steps(&sheet("[tTt]"), 250.0), [(0.0, 60), (0.0, 61)]);
    }

    #[test]
    fn an_empty_sheet_has_no_notes() {
        for text in ["", "   |\n\n", "tempo: 90"] {
            assert!(sheet(text).notes.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn mistakes_name_their_line_and_column() {
        assert_eq!(mistake("t y\n[tu"), (2, 1), "unclosed chord");
        assert_eq!(mistake("[t\nu]"), (1, 1), "a chord across lines");
        assert_eq!(mistake("tu]"), (1, 3), "unopened chord");
        assert_eq!(mistake("[t[u]]"), (1, 3), "nested chord");
        assert_eq!(mistake("t # y"), (1, 3), "E has no sharp");
        assert_eq!(mistake("t\ty"), (1, 2), "a tab");
        assert_eq!(mistake("t y\nu é"), (2, 3), "not a key");
        assert_eq!(
            mistake("\u{feff}t M"),
            (1, 3),
            "a byte order mark is not a column"
        );
        assert_eq!(mistake("[]"), (1, 1), "empty chord");
        assert_eq!(mistake("[t u]"), (1, 3), "a space in a chord");
        assert_eq!(mistake("[t|u]"), (1, 3), "a bar in a chord");
        assert_eq!(
            mistake("t\ntempo: 90"),
            (2, 6),
            "a tempo line after the music"
        );
    }

    #[test]
    fn a_wrong_tempo_points_at_its_value() {
        assert_eq!(mistake("tempo: 500\nt"), (1, 8), "too fast");
        assert_eq!(mistake("tempo: 19.99"), (1, 8), "too slow");
        assert_eq!(mistake("Tempo:  fast"), (1, 9), "not a number");
        assert_eq!(mistake("tempo: 120.125"), (1, 8), "three decimals");
        assert_eq!(mistake("tempo: -120"), (1, 8), "negative");
        assert_eq!(mistake("tempo:"), (1, 7), "missing");
    }

    #[test]
    fn text_that_is_not_utf8_names_where() {
        let at = |bytes: &[u8]| match read(bytes) {
            Err(FormatError::Text { line, column, .. }) => (line, column),
            other => panic!("{other:?}"),
        };
        assert_eq!(at(b"t\n y\xff"), (2, 3));
        // Columns count characters: 'é' is two bytes but one column.
        assert_eq!(at(b"\xc3\xa9\xff"), (1, 2));
    }

    #[test]
    fn more_notes_than_the_limit_is_too_large() {
        assert_eq!(sheet(&"t".repeat(MAX_NOTES)).notes.len(), MAX_NOTES);
        let over = format!("{}[yu]", "t".repeat(MAX_NOTES - 1));
        assert!(matches!(
            read(over.as_bytes()),
            Err(FormatError::TooLarge(_))
        ));
    }
}
