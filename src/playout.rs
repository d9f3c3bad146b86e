//! Adaptive playout delay for one remote player's notes.
//!
//! A note played at server time `sent` arrives at `sent + transit`, where `transit` varies from
//! note to note (network jitter, scheduling). Playing every note at `sent + delay` keeps the
//! sender's rhythm exactly, as long as `delay` is at least the transit of (nearly) every note.
//! So the delay tracks a high percentile of recent transits: it rises at once when the network
//! gets worse, and falls back slowly when it gets better, so the rhythm does not wobble. A note
//! that still arrives after its slot plays at once rather than being dropped.

use std::collections::VecDeque;

/// Transits remembered per sender: enough that an isolated late frame (a busy moment of the
/// machine, not of the network) is not among the 5% the delay leaves out, and the estimate
/// stays steady, so the delay (and with it the rhythm) does not wobble.
const WINDOW: usize = 256;
/// Share of recent notes the delay must cover.
const COVERED: f64 = 0.95;
/// Added on top, in ms: scheduling itself takes a moment.
const SAFETY_MARGIN_MS: f64 = 2.0;
/// Per note, how far a lower target pulls the delay down (a rise is taken whole).
const FALL_RATE: f64 = 0.05;
/// Bounds, in ms: beyond a second the music is no longer "together" anyway.
const MIN_DELAY_MS: f64 = 0.0;
const MAX_DELAY_MS: f64 = 1000.0;

#[derive(Clone, Debug, Default)]
pub struct PlayoutDelay {
    /// The recent transits in the order they came, to forget the oldest.
    transits: VecDeque<f64>,
    /// The same transits in ascending order, kept so: a percentile is then a lookup, not a sort
    /// per note (a dense room schedules thousands of notes a second).
    sorted: Vec<f64>,
    /// The current delay, in ms.
    delay_ms: f64,
}

/// When to play one note, in server time (ms).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slot {
    pub play_at: f64,
    /// The note came after its slot and plays immediately.
    pub late: bool,
}

impl PlayoutDelay {
    /// Records a note sent at `sent` that arrived at `received` (both server time, ms) and
    /// returns when to play it.
    pub fn schedule(&mut self, sent: f64, received: f64) -> Slot {
        let transit = received - sent;
        if transit.is_finite() {
            if self.transits.len() == WINDOW {
                if let Some(oldest) = self.transits.pop_front() {
                    let index = self
                        .sorted
                        .partition_point(|t| t.total_cmp(&oldest).is_lt());
                    self.sorted.remove(index);
                }
            }
            self.transits.push_back(transit);
            let index = self
                .sorted
                .partition_point(|t| t.total_cmp(&transit).is_lt());
            self.sorted.insert(index, transit);
            self.adapt();
        }
        let play_at = sent + self.delay_ms;
        if play_at < received {
            Slot {
                play_at: received,
                late: true,
            }
        } else {
            Slot {
                play_at,
                late: false,
            }
        }
    }

    fn adapt(&mut self) {
        let sorted = &self.sorted;
        let index = ((sorted.len() as f64 * COVERED).ceil() as usize).clamp(1, sorted.len()) - 1;
        let target = (sorted[index] + SAFETY_MARGIN_MS).clamp(MIN_DELAY_MS, MAX_DELAY_MS);
        self.delay_ms = if target > self.delay_ms || self.transits.len() == 1 {
            target
        } else {
            self.delay_ms + (target - self.delay_ms) * FALL_RATE
        };
    }

    /// The current delay in ms, to show the player.
    pub fn delay_ms(&self) -> f64 {
        self.delay_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steady_network_keeps_the_rhythm_exactly() {
        let mut playout = PlayoutDelay::default();
        let mut slots = Vec::new();
        for i in 0..40 {
            let sent = 1000.0 + 125.0 * f64::from(i);
            let jitter = [0.0, 3.0, 1.0, 4.0][i as usize % 4];
            slots.push(playout.schedule(sent, sent + 10.0 + jitter));
        }
        // After the first few notes the delay covers the jitter: intervals are exactly 125 ms.
        for pair in slots[8..].windows(2) {
            assert!(
                (pair[1].play_at - pair[0].play_at - 125.0).abs() < 0.5,
                "{pair:?}"
            );
            assert!(!pair[1].late);
        }
        assert!(playout.delay_ms() >= 14.0 && playout.delay_ms() <= 16.5);
    }

    #[test]
    fn a_late_note_plays_at_once_and_the_delay_grows() {
        let mut playout = PlayoutDelay::default();
        for i in 0..10 {
            let sent = f64::from(i) * 100.0;
            playout.schedule(sent, sent + 5.0);
        }
        let before = playout.delay_ms();
        let slot = playout.schedule(1000.0, 1080.0);
        assert!(playout.delay_ms() > before);
        assert_eq!(slot.play_at, 1080.0f64.max(1000.0 + playout.delay_ms()));
    }

    #[test]
    fn the_delay_falls_back_slowly_when_the_network_calms_down() {
        let mut playout = PlayoutDelay::default();
        for i in 0..64 {
            let sent = f64::from(i) * 10.0;
            playout.schedule(sent, sent + 50.0);
        }
        let high = playout.delay_ms();
        // Once the slow notes have left the window, the delay glides down.
        for i in 64..400 {
            let sent = f64::from(i) * 10.0;
            playout.schedule(sent, sent + 5.0);
        }
        let low = playout.delay_ms();
        assert!(low < 10.0, "{low}");
        assert!(high > 50.0);
    }

    #[test]
    fn an_isolated_late_frame_does_not_raise_the_delay() {
        let mut playout = PlayoutDelay::default();
        for i in 0..100 {
            let sent = f64::from(i) * 62.5;
            playout.schedule(sent, sent + 2.0);
        }
        let steady = playout.delay_ms();
        let late = playout.schedule(100.0 * 62.5, 100.0 * 62.5 + 40.0);
        assert!(late.late);
        for i in 101..200 {
            let sent = f64::from(i) * 62.5;
            let slot = playout.schedule(sent, sent + 2.0);
            assert_eq!(slot.play_at, sent + steady, "note {i}");
        }
    }

    #[test]
    fn nonsense_times_do_not_poison_the_estimate() {
        let mut playout = PlayoutDelay::default();
        playout.schedule(0.0, 5.0);
        let slot = playout.schedule(f64::NAN, 10.0);
        assert!(playout.delay_ms().is_finite());
        assert!(slot.play_at.is_nan() || slot.play_at >= 0.0);
        assert!(playout.schedule(1e6, 1e6 + 5.0 + 1e5).play_at <= 1e6 + 1e5 + 5.0);
    }
}
