//! Recording what a room hears: every player's key presses and releases, and their pedals,
//! paired into notes on one timeline.
//!
//! Pure rules with the times passed in (server milliseconds, when each event sounds); the
//! browser feeds it from the notes it plays. Events may come in a different order than they
//! sound (another player's notes are scheduled ahead), so pairing is per player and key, and
//! the result is sorted at the end.

use std::collections::{BTreeSet, HashMap};

use pianorhythm_api::sheets::{PracticeNote, PracticePedal, Recording};

/// Most notes one recording keeps: past it, the recording is full and ignores the rest. A
/// recording is sent to the server to become a MIDI file, and this keeps it under the upload
/// size.
pub const MAX_RECORDED_NOTES: usize = 10_000;

/// A recording in progress.
#[derive(Clone, Debug)]
pub struct Recorder {
    /// Server time the recording started; every time is counted from it.
    started_at: f64,
    /// Keys down, per player: when and how hard each was struck.
    open: HashMap<(String, u8), (f64, u8)>,
    /// Notes released.
    notes: Vec<PracticeNote>,
    /// Players whose pedal is down.
    pedal_down: BTreeSet<String>,
    /// The room's pedal: down while any player's is, one change per change of that.
    pedal: Vec<PracticePedal>,
}

impl Recorder {
    pub fn new(started_at: f64) -> Self {
        Self {
            started_at,
            open: HashMap::new(),
            notes: Vec::new(),
            pedal_down: BTreeSet::new(),
            pedal: Vec::new(),
        }
    }

    /// How many notes it holds, held keys included.
    pub fn len(&self) -> usize {
        self.notes.len() + self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn is_full(&self) -> bool {
        self.len() >= MAX_RECORDED_NOTES
    }

    /// `player` struck `key` at `at`; a key struck again before its release ends the first
    /// note there.
    pub fn note_on(&mut self, player: &str, key: u8, velocity: u8, at: f64) {
        if self.is_full() {
            return;
        }
        let at = self.since_start(at);
        if let Some((start, velocity)) = self.open.insert((player.to_owned(), key), (at, velocity))
        {
            self.close(key, start, velocity, at);
        }
    }

    pub fn note_off(&mut self, player: &str, key: u8, at: f64) {
        let at = self.since_start(at);
        if let Some((start, velocity)) = self.open.remove(&(player.to_owned(), key)) {
            self.close(key, start, velocity, at);
        }
    }

    pub fn pedal(&mut self, player: &str, down: bool, at: f64) {
        let was_down = !self.pedal_down.is_empty();
        if down {
            self.pedal_down.insert(player.to_owned());
        } else {
            self.pedal_down.remove(player);
        }
        let is_down = !self.pedal_down.is_empty();
        if was_down != is_down {
            self.pedal.push(PracticePedal {
                at_ms: self.since_start(at),
                down: is_down,
            });
        }
    }

    /// Ends the recording at `at`: keys still down are released there.
    pub fn finish(mut self, at: f64) -> Recording {
        let end = self.since_start(at);
        for ((_, key), (start, velocity)) in std::mem::take(&mut self.open) {
            self.close(key, start, velocity, end.max(start));
        }
        if !self.pedal_down.is_empty() {
            self.pedal.push(PracticePedal {
                at_ms: end,
                down: false,
            });
        }
        let mut notes = self.notes;
        notes.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms).then(a.key.cmp(&b.key)));
        let mut pedal = self.pedal;
        pedal.sort_by(|a, b| a.at_ms.total_cmp(&b.at_ms));
        pedal.dedup_by(|later, earlier| later.down == earlier.down);
        if pedal.first().is_some_and(|change| !change.down) {
            pedal.remove(0);
        }
        Recording { notes, pedal }
    }

    /// Milliseconds from the start; anything before it counts as the start.
    fn since_start(&self, at: f64) -> f64 {
        let since = at - self.started_at;
        if since.is_finite() {
            since.max(0.0)
        } else {
            0.0
        }
    }

    fn close(&mut self, key: u8, start_ms: f64, velocity: u8, end_ms: f64) {
        let duration_ms = (end_ms - start_ms).max(0.0);
        self.notes
            .push(PracticeNote::new(start_ms, duration_ms, key, velocity));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presses_and_releases_of_several_players_become_notes_in_order() {
        let mut recorder = Recorder::new(1_000.0);
        recorder.note_on("ada", 60, 100, 1_000.0);
        // Bob's notes are scheduled ahead of Ada's later ones.
        recorder.note_on("bob", 60, 40, 1_250.0);
        recorder.note_off("bob", 60, 1_450.0);
        recorder.note_off("ada", 60, 1_500.0);
        recorder.note_on("ada", 64, 80, 1_100.0);
        recorder.note_off("ada", 64, 1_200.0);
        let recording = recorder.finish(2_000.0);
        assert_eq!(
            recording.notes,
            vec![
                PracticeNote::new(0.0, 500.0, 60, 100),
                PracticeNote::new(100.0, 100.0, 64, 80),
                PracticeNote::new(250.0, 200.0, 60, 40),
            ]
        );
    }

    #[test]
    fn keys_still_down_end_with_the_recording_and_strays_are_ignored() {
        let mut recorder = Recorder::new(0.0);
        recorder.note_off("ada", 70, 10.0);
        recorder.note_on("ada", 60, 90, -50.0);
        recorder.note_on("ada", 60, 70, 300.0);
        recorder.note_on("ada", 62, 70, f64::NAN);
        let recording = recorder.finish(1_000.0);
        assert_eq!(
            recording.notes,
            vec![
                PracticeNote::new(0.0, 300.0, 60, 90),
                PracticeNote::new(0.0, 1_000.0, 62, 70),
                PracticeNote::new(300.0, 700.0, 60, 70),
            ]
        );
    }

    #[test]
    fn the_pedal_is_down_while_any_player_holds_theirs() {
        let mut recorder = Recorder::new(0.0);
        recorder.pedal("ada", false, 10.0);
        recorder.pedal("ada", true, 100.0);
        recorder.pedal("bob", true, 150.0);
        recorder.pedal("ada", false, 200.0);
        recorder.pedal("bob", false, 300.0);
        recorder.pedal("bob", true, 400.0);
        let pedal = recorder.finish(500.0).pedal;
        let changes: Vec<(f64, bool)> = pedal.iter().map(|c| (c.at_ms, c.down)).collect();
        assert_eq!(
            changes,
            vec![(100.0, true), (300.0, false), (400.0, true), (500.0, false)]
        );
    }

    #[test]
    fn a_full_recording_takes_no_more_notes_but_still_releases_its_keys() {
        let mut recorder = Recorder::new(0.0);
        for i in 0..MAX_RECORDED_NOTES {
            recorder.note_on("ada", 60, 90, i as f64);
        }
        assert!(recorder.is_full());
        recorder.note_on("ada", 61, 90, 1e6);
        recorder.note_off("ada", 60, 2e6);
        let recording = recorder.finish(3e6);
        assert_eq!(recording.notes.len(), MAX_RECORDED_NOTES);
        assert!(recording.notes.iter().all(|note| note.key == 60));
    }
}
