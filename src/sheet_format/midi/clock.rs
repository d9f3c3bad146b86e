//! MIDI time: ticks into milliseconds, across tempo changes.
//!
//! Time is kept as an exact whole number (ticks times microseconds per quarter, or ticks times
//! the frame length) and divided only when a millisecond is asked for, so no rounding builds up
//! over a long file however often its tempo changes.

use midly::{Fps, Timing};

/// Milliseconds for every tick of one file, asked for in order of time.
#[derive(Debug)]
pub(super) enum Clock {
    /// Ticks are fractions of a quarter note, whose length Set Tempo events change.
    Metrical {
        /// Ticks per quarter note, from the header.
        ticks_per_quarter: u64,
        /// The tempo in force since `at_tick`.
        micros_per_quarter: u64,
        /// The tick time was last worked out for.
        at_tick: u64,
        /// The time from the start to `at_tick`, in microseconds times ticks per quarter
        /// (the sum of ticks times the tempo of each): exact, however long the file.
        elapsed: u128,
    },
    /// Ticks are fractions of a SMPTE frame: a fixed length, whatever the tempo.
    Timecode {
        /// A tick is `ms_numerator / ms_denominator` ms.
        ms_numerator: u64,
        /// See `ms_numerator`.
        ms_denominator: u64,
    },
}

/// The tempo of a MIDI file until its first Set Tempo event: 120 bpm.
const DEFAULT_MICROS_PER_QUARTER: u64 = 500_000;

impl Clock {
    /// The clock of a header's time division, or why it cannot be used.
    pub(super) fn new(timing: Timing) -> Result<Self, String> {
        match timing {
            Timing::Metrical(ticks) if ticks.as_int() == 0 => {
                Err("the time division is 0 ticks per quarter note".into())
            }
            Timing::Metrical(ticks) => Ok(Self::Metrical {
                ticks_per_quarter: u64::from(ticks.as_int()),
                micros_per_quarter: DEFAULT_MICROS_PER_QUARTER,
                at_tick: 0,
                elapsed: 0,
            }),
            Timing::Timecode(_, 0) => Err("the time division is 0 ticks per SMPTE frame".into()),
            Timing::Timecode(fps, ticks_per_frame) => {
                // A tick is 1000 / (frames per second × ticks per frame) ms; 29.97 is 30000/1001.
                let (frames, per_seconds) = match fps {
                    Fps::Fps24 => (24, 1),
                    Fps::Fps25 => (25, 1),
                    Fps::Fps29 => (30_000, 1001),
                    Fps::Fps30 => (30, 1),
                };
                Ok(Self::Timecode {
                    ms_numerator: 1000 * per_seconds,
                    ms_denominator: frames * u64::from(ticks_per_frame),
                })
            }
        }
    }

    /// Milliseconds from the start to `tick`, which is never before the previous one asked for.
    pub(super) fn ms(&mut self, tick: u64) -> f64 {
        match self {
            Self::Metrical {
                ticks_per_quarter,
                micros_per_quarter,
                at_tick,
                elapsed,
            } => {
                let ticks = tick.saturating_sub(*at_tick);
                *elapsed += u128::from(ticks) * u128::from(*micros_per_quarter);
                *at_tick = tick;
                // One division of exact numbers: the time is the nearest float to the truth.
                *elapsed as f64 / (*ticks_per_quarter * 1000) as f64
            }
            Self::Timecode {
                ms_numerator,
                ms_denominator,
            } => (u128::from(tick) * u128::from(*ms_numerator)) as f64 / *ms_denominator as f64,
        }
    }

    /// From `tick` on, a quarter note lasts `micros` µs. SMPTE time ignores tempo.
    pub(super) fn set_tempo(&mut self, tick: u64, micros: u32) {
        self.ms(tick);
        if let Self::Metrical {
            micros_per_quarter, ..
        } = self
        {
            *micros_per_quarter = u64::from(micros);
        }
    }
}

#[cfg(test)]
mod tests {
    use midly::num::u15;

    use super::*;

    #[test]
    fn ticks_follow_each_tempo_in_turn() {
        let mut clock = Clock::new(Timing::Metrical(u15::new(480))).unwrap();
        // 120 bpm until tick 960 (two quarters, 1000 ms), then 60 bpm.
        assert_eq!(clock.ms(480), 500.0);
        clock.set_tempo(960, 1_000_000);
        assert_eq!(clock.ms(960), 1000.0);
        assert_eq!(clock.ms(1440), 2000.0);
        // A long file adds up exactly: a million quarters at 60 bpm.
        let far = 1440 + 480 * 1_000_000;
        assert_eq!(clock.ms(far), 2000.0 + 1e9);
    }

    #[test]
    fn smpte_ticks_have_a_fixed_length() {
        let mut clock = Clock::new(Timing::Timecode(Fps::Fps25, 40)).unwrap();
        clock.set_tempo(0, 1_000_000);
        assert_eq!(clock.ms(1000), 1000.0);
        let mut clock = Clock::new(Timing::Timecode(Fps::Fps29, 100)).unwrap();
        // 29.97 frames a second, 100 ticks a frame: a tick is 1001/3000 ms.
        assert_eq!(clock.ms(3000), 1001.0);
    }

    #[test]
    fn a_zero_time_division_is_refused() {
        assert!(Clock::new(Timing::Metrical(u15::new(0))).is_err());
        assert!(Clock::new(Timing::Timecode(Fps::Fps30, 0)).is_err());
    }
}
