//! Tempo as MIDI stores it: whole microseconds per quarter note.
//!
//! The Virtual Piano reader and the MIDI writer both go through [`micros_per_quarter`], so a
//! sheet's steps are timed from exactly the tempo its MIDI download carries. Timing the steps
//! from the exact bpm instead would drift from the file by the tempo's rounding (up to 0.5 µs a
//! beat), more than a millisecond over a long sheet; this way the two agree to the microsecond.

/// The tempo when a sheet names none, as in MIDI.
pub(super) const DEFAULT_BPM: f64 = 120.0;

/// The largest value a Set Tempo event holds (24 bits).
const MAX_MICROS: u32 = 0xFF_FFFF;

/// Microseconds per quarter note at `bpm`, rounded to whole microseconds as a Set Tempo event
/// holds them. A tempo that is not a positive number counts as the default.
pub(super) fn micros_per_quarter(bpm: f64) -> u32 {
    let bpm = if bpm.is_finite() && bpm > 0.0 {
        bpm
    } else {
        DEFAULT_BPM
    };
    // In range after the clamp, so the cast neither saturates nor truncates.
    (60_000_000.0 / bpm)
        .round()
        .clamp(1.0, f64::from(MAX_MICROS)) as u32
}

/// The bpm of a Set Tempo value, to a hundredth. Whole microseconds cannot hold most tempos
/// exactly (120 bpm is 500 000 µs, but 70 bpm is 857 142.86); rounding back to a hundredth
/// recovers any tempo under 774 bpm given with at most two decimals, as the error of the
/// microsecond (at most `bpm² / 120 000 000`) stays under half a hundredth.
pub(super) fn bpm(micros: u32) -> f64 {
    (60_000_000.0 / f64::from(micros.max(1)) * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tempo_with_two_decimals_survives_the_microseconds() {
        for hundredths in 2_000..=40_000_u32 {
            let tempo = f64::from(hundredths) / 100.0;
            assert_eq!(bpm(micros_per_quarter(tempo)), tempo);
        }
    }

    #[test]
    fn common_tempos_are_exact() {
        assert_eq!(micros_per_quarter(120.0), 500_000);
        assert_eq!(micros_per_quarter(70.0), 857_143);
        assert_eq!(bpm(500_000), 120.0);
    }

    #[test]
    fn unusable_tempos_fall_back_or_clamp() {
        assert_eq!(micros_per_quarter(f64::NAN), 500_000);
        assert_eq!(micros_per_quarter(-5.0), 500_000);
        assert_eq!(micros_per_quarter(0.001), MAX_MICROS);
        assert_eq!(micros_per_quarter(1e12), 1);
        assert_eq!(bpm(0), 60_000_000.0);
    }
}
