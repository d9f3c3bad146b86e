//! The build's split of FluidR3 GM, the SoundFont scripts/setup.sh installs (Debian's
//! fluid-soundfont-gm): every General MIDI program and the standard kit come out as a part of
//! their own that rustysynth plays.

use std::{io::Cursor, path::Path, sync::Arc};

use rustysynth::{SoundFont, Synthesizer, SynthesizerSettings};
use soundfont::catalogue;

const FLUID_R3: &str = "/usr/share/sounds/sf2/FluidR3_GM.sf2";

/// The loudest sample of a short chord of low, middle and high notes (some instruments
/// have a narrow compass; on a kit: kick, snare and hi-hat) with the part's preset.
fn loudest_note(part: &[u8], bank: u16, program: u16) -> f32 {
    let font = Arc::new(SoundFont::new(&mut Cursor::new(part)).expect("rustysynth reads the part"));
    let mut synthesizer = Synthesizer::new(&font, &SynthesizerSettings::new(44_100)).unwrap();
    let (channel, notes) = if bank == 128 {
        (9, [36, 38, 42])
    } else {
        (0, [36, 60, 84])
    };
    synthesizer.process_midi_message(channel, 0xC0, i32::from(program), 0);
    for note in notes {
        synthesizer.note_on(channel, note, 100);
    }
    let (mut left, mut right) = (vec![0.0; 22_050], vec![0.0; 22_050]);
    synthesizer.render(&mut left, &mut right);
    left.iter()
        .chain(&right)
        .fold(0.0, |peak, s| peak.max(s.abs()))
}

#[test]
fn every_general_midi_program_and_the_drum_kit_is_a_playable_part() {
    let path = Path::new(FLUID_R3);
    assert!(
        path.exists(),
        "{FLUID_R3} is missing: run scripts/setup.sh (it installs Debian's fluid-soundfont-gm)"
    );
    let sf2 = std::fs::read(path).unwrap();
    let parts = catalogue::parts(&sf2).unwrap();
    let has = |bank: u16, program: u16| {
        parts
            .iter()
            .any(|part| (part.entry.bank, part.entry.program) == (bank, program))
    };
    let missing: Vec<u16> = (0..128).filter(|&program| !has(0, program)).collect();
    assert!(missing.is_empty(), "programs missing: {missing:?}");
    assert!(has(128, 0), "the standard drum kit is missing");
    for part in &parts {
        let entry = &part.entry;
        let peak = loudest_note(&part.bytes, entry.bank, entry.program);
        assert!(
            peak > 0.001,
            "{} ({}:{}) is silent",
            entry.name,
            entry.bank,
            entry.program
        );
        // A part holds one instrument, not the whole 148 MB.
        assert!(
            part.bytes.len() < sf2.len() / 10,
            "{} is {} bytes",
            entry.name,
            part.bytes.len()
        );
    }
}
