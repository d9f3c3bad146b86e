//! Playing a sheet in time: which of its events are due and when, at what tempo, paused or not.
//!
//! Pure rules with the time passed in (server milliseconds), ticked by the browser's player.
//! Events are handed out a little ahead of time (the look-ahead), each with the exact time it
//! should sound, so that timers firing late in the browser do not bend the rhythm: the sound
//! is scheduled on the audio clock, and notes sent to a room carry their exact stamp. Events
//! once handed out are never taken back; pausing, seeking, tempo changes and a change of the
//! parts played take effect from the end of what was handed out.

use std::collections::BTreeSet;

use pianorhythm_api::sheets::{PracticeNote, PracticePedal};
use pianorhythm_core::sheet_format::Score;

/// What happens at one moment of the sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cue {
    NoteOn { key: u8, velocity: u8 },
    NoteOff { key: u8 },
    Pedal { down: bool },
}

impl Cue {
    /// At the same moment a key is released before it is struck again, and the pedal changes
    /// between the two, as a pianist's hands and foot would.
    fn order(&self) -> u8 {
        match self {
            Cue::NoteOff { .. } => 0,
            Cue::Pedal { .. } => 1,
            Cue::NoteOn { .. } => 2,
        }
    }
}

/// A cue and when it sounds, in server milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Timed {
    pub at: f64,
    pub cue: Cue,
}

/// Where the sheet's clock was last set: sheet time `sheet_ms` is wall time `wall_ms`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Anchor {
    sheet_ms: f64,
    wall_ms: f64,
}

/// One sheet being played (or paused, or stopped).
#[derive(Clone, Debug)]
pub struct Playback {
    /// Every cue at its sheet time (at the sheet's own tempo), in order.
    cues: Vec<(f64, Cue)>,
    /// The next cue to hand out.
    next: usize,
    /// While playing, how sheet time maps to wall time; `None` while paused or stopped.
    anchor: Option<Anchor>,
    /// Sheet time up to which cues were handed out; where a pause or a tempo change starts.
    handed_until_ms: f64,
    /// Whether the cues at exactly `handed_until_ms` were handed out too (`due` got there),
    /// or are still to come (the start, or where a seek landed).
    handed_through: bool,
    /// 1.0 plays at the sheet's tempo, 0.5 at half of it.
    speed: f64,
    /// Keys struck and not yet released, so that a pause or stop releases them.
    held: BTreeSet<u8>,
    /// Whether the last pedal cue handed out pressed it.
    pedal_down: bool,
}

/// Slowest and fastest speeds: the tempo control's range.
pub const MIN_SPEED: f64 = 0.25;
pub const MAX_SPEED: f64 = 2.0;

/// A note as the cues are made of it: start and duration (ms), key, velocity.
type NoteTimes = (f64, f64, u8, u8);

/// Every note's on and off and every pedal change, at their sheet times, in the order they
/// sound (see [`Cue::order`]).
fn cues(
    notes: impl ExactSizeIterator<Item = NoteTimes>,
    pedal: impl Iterator<Item = (f64, bool)>,
) -> Vec<(f64, Cue)> {
    let mut cues: Vec<(f64, Cue)> = Vec::with_capacity(notes.len() * 2);
    for (start_ms, duration_ms, key, velocity) in notes {
        cues.push((start_ms, Cue::NoteOn { key, velocity }));
        cues.push((start_ms + duration_ms.max(0.0), Cue::NoteOff { key }));
    }
    cues.extend(pedal.map(|(at_ms, down)| (at_ms, Cue::Pedal { down })));
    cues.retain(|(at, _)| at.is_finite());
    cues.sort_by(|(a, x), (b, y)| a.total_cmp(b).then(x.order().cmp(&y.order())));
    cues
}

/// A score's notes and pedal as cues.
fn score_cues(score: &Score) -> Vec<(f64, Cue)> {
    cues(
        score
            .notes
            .iter()
            .map(|note| (note.start_ms, note.duration_ms, note.key, note.velocity)),
        score.pedal.iter().map(|change| (change.at_ms, change.down)),
    )
}

impl Playback {
    /// A sheet from the server, as the practice view has it.
    pub fn new(notes: &[PracticeNote], pedal: &[PracticePedal]) -> Self {
        Self::of_cues(cues(
            notes
                .iter()
                .map(|note| (note.start_ms, note.duration_ms, note.key, note.velocity)),
            pedal.iter().map(|change| (change.at_ms, change.down)),
        ))
    }

    /// A score read in the browser (a MIDI file the player opened).
    pub fn of_score(score: &Score) -> Self {
        Self::of_cues(score_cues(score))
    }

    fn of_cues(cues: Vec<(f64, Cue)>) -> Self {
        Self {
            cues,
            next: 0,
            anchor: None,
            handed_until_ms: 0.0,
            handed_through: false,
            speed: 1.0,
            held: BTreeSet::new(),
            pedal_down: false,
        }
    }

    /// The sheet's length in its own time (ms): when its last cue sounds.
    pub fn length_ms(&self) -> f64 {
        self.cues.last().map_or(0.0, |&(at_ms, _)| at_ms)
    }

    pub fn is_playing(&self) -> bool {
        self.anchor.is_some()
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Plays from where it stands (the start, or where it was paused) at wall time `at`; a
    /// sheet played to its end starts over.
    pub fn play(&mut self, at: f64) {
        if self.next == self.cues.len() {
            self.next = 0;
            self.handed_until_ms = 0.0;
            self.handed_through = false;
        }
        self.anchor = Some(Anchor {
            sheet_ms: self.handed_until_ms,
            wall_ms: at,
        });
    }

    /// Hands out every cue that sounds before `horizon` (wall time), in order.
    pub fn due(&mut self, horizon: f64) -> Vec<Timed> {
        let Some(anchor) = self.anchor else {
            return Vec::new();
        };
        let until_ms = self.sheet_time(anchor, horizon);
        let mut due = Vec::new();
        while let Some(&(sheet_ms, cue)) = self.cues.get(self.next) {
            if sheet_ms > until_ms {
                break;
            }
            self.next += 1;
            if self.track(cue) {
                due.push(Timed {
                    at: self.wall_time(anchor, sheet_ms),
                    cue,
                });
            }
        }
        if until_ms >= self.handed_until_ms {
            self.handed_until_ms = until_ms;
            self.handed_through = true;
        }
        due
    }

    /// Pauses where the handed-out cues end; answers what releases the keys and pedal held
    /// there, at that moment.
    pub fn pause(&mut self) -> Vec<Timed> {
        let Some(anchor) = self.anchor.take() else {
            return Vec::new();
        };
        let at = self.wall_time(anchor, self.handed_until_ms);
        self.release(at)
    }

    /// Stops and rewinds to the start; answers the releases, as [`Playback::pause`] does.
    pub fn stop(&mut self) -> Vec<Timed> {
        let releases = self.pause();
        self.next = 0;
        self.handed_until_ms = 0.0;
        self.handed_through = false;
        releases
    }

    /// Moves to `position_ms` of the sheet (clamped to it), from where the handed-out cues end:
    /// playing goes on from there without a gap, a paused sheet resumes there. Answers the
    /// releases of what was held, as [`Playback::pause`] does; notes sounding across the new
    /// position are not struck again.
    pub fn seek(&mut self, position_ms: f64) -> Vec<Timed> {
        let position = if position_ms.is_finite() {
            position_ms.clamp(0.0, self.length_ms())
        } else {
            0.0
        };
        let releases = self.reanchor(position);
        self.next = self.cues.partition_point(|&(at_ms, _)| at_ms < position);
        self.handed_until_ms = position;
        self.handed_through = false;
        releases
    }

    /// Plays `score` from here on instead (the same music with other parts chosen): cues up to
    /// where the handed-out ones end are skipped. What was held is released, as by
    /// [`Playback::pause`], since its note-off may have gone with a part.
    pub fn set_score(&mut self, score: &Score) -> Vec<Timed> {
        let releases = self.reanchor(self.handed_until_ms);
        self.cues = score_cues(score);
        let position = self.handed_until_ms;
        self.next = if self.handed_through {
            self.cues.partition_point(|&(at_ms, _)| at_ms <= position)
        } else {
            self.cues.partition_point(|&(at_ms, _)| at_ms < position)
        };
        releases
    }

    /// Releases what is held where the handed-out cues end and, while playing, lets sheet time
    /// `position` sound at that moment.
    fn reanchor(&mut self, position: f64) -> Vec<Timed> {
        let Some(anchor) = self.anchor else {
            return Vec::new();
        };
        let at = self.wall_time(anchor, self.handed_until_ms);
        self.anchor = Some(Anchor {
            sheet_ms: position,
            wall_ms: at,
        });
        self.release(at)
    }

    /// Changes the tempo (clamped to its range) from where the handed-out cues end.
    pub fn set_speed(&mut self, speed: f64) {
        let speed = if speed.is_finite() {
            speed.clamp(MIN_SPEED, MAX_SPEED)
        } else {
            1.0
        };
        if let Some(anchor) = self.anchor {
            self.anchor = Some(Anchor {
                sheet_ms: self.handed_until_ms,
                wall_ms: self.wall_time(anchor, self.handed_until_ms),
            });
        }
        self.speed = speed;
    }

    /// Where in the sheet (its own time, ms) the music is at wall time `now`.
    pub fn position_ms(&self, now: f64) -> f64 {
        match self.anchor {
            Some(anchor) => self.sheet_time(anchor, now).max(0.0),
            None => self.handed_until_ms,
        }
    }

    /// Whether every cue was handed out and the last has sounded by `now`.
    pub fn finished(&self, now: f64) -> bool {
        self.next == self.cues.len()
            && self.cues.last().is_none_or(|&(last_ms, _)| {
                self.anchor
                    .is_none_or(|anchor| now >= self.wall_time(anchor, last_ms))
            })
    }

    fn sheet_time(&self, anchor: Anchor, wall_ms: f64) -> f64 {
        anchor.sheet_ms + (wall_ms - anchor.wall_ms) * self.speed
    }

    fn wall_time(&self, anchor: Anchor, sheet_ms: f64) -> f64 {
        anchor.wall_ms + (sheet_ms - anchor.sheet_ms) / self.speed
    }

    /// Keeps count of what is held; answers whether the cue is to be handed out: a note-off
    /// for a key not held (its note began before a seek, or another note already released
    /// it) has nothing to end.
    fn track(&mut self, cue: Cue) -> bool {
        match cue {
            Cue::NoteOn { key, .. } => {
                self.held.insert(key);
                true
            }
            Cue::NoteOff { key } => self.held.remove(&key),
            Cue::Pedal { down } => {
                self.pedal_down = down;
                true
            }
        }
    }

    fn release(&mut self, at: f64) -> Vec<Timed> {
        let mut releases: Vec<Timed> = std::mem::take(&mut self.held)
            .into_iter()
            .map(|key| Timed {
                at,
                cue: Cue::NoteOff { key },
            })
            .collect();
        if std::mem::take(&mut self.pedal_down) {
            releases.push(Timed {
                at,
                cue: Cue::Pedal { down: false },
            });
        }
        releases
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(start_ms: f64, duration_ms: f64, key: u8) -> PracticeNote {
        PracticeNote::new(start_ms, duration_ms, key, 90)
    }

    fn on(at: f64, key: u8) -> Timed {
        Timed {
            at,
            cue: Cue::NoteOn { key, velocity: 90 },
        }
    }

    fn off(at: f64, key: u8) -> Timed {
        Timed {
            at,
            cue: Cue::NoteOff { key },
        }
    }

    /// Three quarter notes at 120 bpm: C, D, E.
    fn scale() -> Playback {
        Playback::new(
            &[
                note(0.0, 500.0, 60),
                note(500.0, 500.0, 62),
                note(1000.0, 500.0, 64),
            ],
            &[],
        )
    }

    #[test]
    fn cues_come_out_with_their_exact_times_however_late_the_ticks_are() {
        let mut playback = scale();
        playback.play(10_000.0);
        assert_eq!(playback.due(10_100.0), vec![on(10_000.0, 60)]);
        // A tick 370 ms late still stamps every cue where it belongs.
        assert_eq!(
            playback.due(10_570.0),
            vec![off(10_500.0, 60), on(10_500.0, 62)]
        );
        assert_eq!(playback.due(10_570.0), vec![]);
        assert_eq!(
            playback.due(20_000.0),
            vec![off(11_000.0, 62), on(11_000.0, 64), off(11_500.0, 64)]
        );
        assert!(!playback.finished(11_499.0));
        assert!(playback.finished(11_500.0));
    }

    #[test]
    fn a_key_struck_again_at_once_is_released_first() {
        let mut playback = Playback::new(&[note(0.0, 250.0, 60), note(250.0, 250.0, 60)], &[]);
        playback.play(0.0);
        assert_eq!(
            playback.due(300.0),
            vec![on(0.0, 60), off(250.0, 60), on(250.0, 60)]
        );
    }

    #[test]
    fn half_speed_doubles_every_interval_from_where_the_cues_were_handed_out() {
        let mut playback = scale();
        playback.play(0.0);
        assert_eq!(playback.due(100.0), vec![on(0.0, 60)]);
        playback.set_speed(0.5);
        // Sheet time 100 was reached at wall 100; the next 400 ms of sheet take 800 ms.
        assert_eq!(playback.due(900.0), vec![off(900.0, 60), on(900.0, 62)]);
        assert_eq!(playback.position_ms(1_900.0), 1_000.0);
        playback.set_speed(100.0);
        assert_eq!(playback.speed(), MAX_SPEED);
        playback.set_speed(f64::NAN);
        assert_eq!(playback.speed(), 1.0);
    }

    #[test]
    fn a_pause_releases_what_is_held_and_resumes_where_it_stopped() {
        let mut playback = Playback::new(
            &[
                note(0.0, 500.0, 60),
                note(0.0, 500.0, 64),
                note(500.0, 500.0, 62),
            ],
            &[PracticePedal {
                at_ms: 0.0,
                down: true,
            }],
        );
        playback.play(1_000.0);
        assert_eq!(playback.due(1_100.0).len(), 3);
        let releases = playback.pause();
        assert_eq!(
            releases,
            vec![
                off(1_100.0, 60),
                off(1_100.0, 64),
                Timed {
                    at: 1_100.0,
                    cue: Cue::Pedal { down: false }
                }
            ]
        );
        assert!(!playback.is_playing());
        assert_eq!(playback.due(5_000.0), vec![]);
        assert_eq!(playback.position_ms(9_999.0), 100.0);
        // Resumed a while later: the rest keeps its distance from the pause, and the notes the
        // pause released are not released again.
        playback.play(5_000.0);
        assert_eq!(playback.due(5_400.0), vec![on(5_400.0, 62)]);
        assert_eq!(playback.pause(), vec![off(5_400.0, 62)]);
        assert_eq!(playback.pause(), vec![]);
    }

    #[test]
    fn stop_rewinds_and_a_finished_sheet_starts_over() {
        let mut playback = scale();
        playback.play(0.0);
        playback.due(600.0);
        assert_eq!(playback.stop(), vec![off(600.0, 62)]);
        assert_eq!(playback.position_ms(700.0), 0.0);
        playback.play(1_000.0);
        assert_eq!(playback.due(1_000.0), vec![on(1_000.0, 60)]);
        playback.due(10_000.0);
        assert!(playback.finished(10_000.0));
        playback.play(20_000.0);
        assert_eq!(playback.due(20_000.0), vec![on(20_000.0, 60)]);
    }

    #[test]
    fn a_seek_moves_on_from_where_the_cues_were_handed_out_without_a_gap() {
        let mut playback = scale();
        playback.play(0.0);
        assert_eq!(playback.due(100.0), vec![on(0.0, 60)]);
        // To the third note while playing: the first is released where the cues ended, and the
        // third sounds right then.
        assert_eq!(playback.seek(1_000.0), vec![off(100.0, 60)]);
        assert_eq!(playback.position_ms(100.0), 1_000.0);
        assert_eq!(playback.due(700.0), vec![on(100.0, 64), off(600.0, 64)]);
        // Back to the start while paused: play resumes there.
        playback.pause();
        assert_eq!(playback.seek(-5.0), vec![]);
        assert_eq!(playback.position_ms(9_000.0), 0.0);
        playback.play(10_000.0);
        assert_eq!(playback.due(10_000.0), vec![on(10_000.0, 60)]);
        // Past the end is the end; not a number is the start.
        playback.pause();
        playback.seek(1e9);
        assert_eq!(playback.position_ms(0.0), 1_500.0);
        playback.seek(f64::NAN);
        assert_eq!(playback.position_ms(0.0), 0.0);
    }

    #[test]
    fn other_parts_play_from_where_the_cues_were_handed_out() {
        let score = |keys: &[(f64, u8)]| Score {
            notes: keys
                .iter()
                .map(|&(start_ms, key)| pianorhythm_core::sheet_format::Note {
                    start_ms,
                    duration_ms: 500.0,
                    key,
                    velocity: 90,
                })
                .collect(),
            pedal: vec![],
            tempo_bpm: 120.0,
        };
        let both = score(&[
            (0.0, 48),
            (0.0, 60),
            (500.0, 50),
            (500.0, 62),
            (1_000.0, 52),
        ]);
        let mut playback = Playback::of_score(&both);
        assert_eq!(playback.length_ms(), 1_500.0);
        // Set before playing, the choice counts from the start.
        playback.set_score(&score(&[(0.0, 60), (500.0, 62)]));
        playback.play(0.0);
        assert_eq!(
            playback.due(500.0),
            vec![on(0.0, 60), off(500.0, 60), on(500.0, 62)]
        );
        // The lower part comes back after 500 ms, which was handed out: its note there is
        // skipped (and so is its note-off), the held key released, and the next note plays.
        assert_eq!(playback.set_score(&both), vec![off(500.0, 62)]);
        assert_eq!(
            playback.due(2_000.0),
            vec![on(1_000.0, 52), off(1_500.0, 52)]
        );
    }

    #[test]
    fn an_empty_sheet_is_finished_at_once() {
        let mut playback = Playback::new(&[], &[]);
        playback.play(0.0);
        assert_eq!(playback.due(1_000.0), vec![]);
        assert!(playback.finished(0.0));
    }
}
