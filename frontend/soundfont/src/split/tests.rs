use std::{io::Cursor, sync::Arc};

use rustysynth::{SoundFont, Synthesizer, SynthesizerSettings};

use super::*;

const SF2: &[u8] = include_bytes!("../../../../end2end/fixtures/test.sf2");

/// A note (A4) played for a tenth of a second with `(bank, program)` on the channel General
/// MIDI gives it: the left channel.
fn render(sf2: &[u8], (bank, program): (u16, u16)) -> Vec<f32> {
    let font = Arc::new(SoundFont::new(&mut Cursor::new(sf2)).expect("rustysynth reads it"));
    let mut synthesizer = Synthesizer::new(&font, &SynthesizerSettings::new(44_100)).unwrap();
    let channel = if bank == 128 { 9 } else { 0 };
    let bank_select = if bank == 128 { 0 } else { i32::from(bank) };
    synthesizer.process_midi_message(channel, 0xB0, 0, bank_select);
    synthesizer.process_midi_message(channel, 0xC0, i32::from(program), 0);
    synthesizer.note_on(channel, 69, 100);
    let (mut left, mut right) = (vec![0.0; 4410], vec![0.0; 4410]);
    synthesizer.render(&mut left, &mut right);
    left
}

fn presets_of(sf2: &[u8]) -> Vec<(u16, u16, String)> {
    let file = SoundFontFile::parse(sf2).unwrap();
    let presets = file.presets().unwrap();
    presets
        .into_iter()
        .map(|p| (p.bank, p.program, p.name))
        .collect()
}

#[test]
fn lists_the_presets_in_the_files_order() {
    assert_eq!(
        presets_of(SF2),
        [
            (0, 0, "Test Sine".to_owned()),
            (0, 80, "Test Square".to_owned()),
            (128, 0, "Test Kit".to_owned())
        ]
    );
}

#[test]
fn each_part_holds_its_preset_alone_and_sounds_exactly_like_it() {
    let file = SoundFontFile::parse(SF2).unwrap();
    for preset in file.presets().unwrap() {
        let part = file.extract(preset.index).unwrap();
        let (bank, program, name) = (preset.bank, preset.program, preset.name.clone());
        assert_eq!(presets_of(&part), [(bank, program, name)]);
        let sound = render(&part, (bank, program));
        assert!(
            sound.iter().any(|s| s.abs() > 0.01),
            "{} is silent",
            preset.name
        );
        assert_eq!(sound, render(SF2, (bank, program)), "{}", preset.name);
    }
}

#[test]
fn a_part_keeps_only_the_samples_its_preset_plays() {
    let file = SoundFontFile::parse(SF2).unwrap();
    let sine = SoundFontFile::parse(&file.extract(0).unwrap())
        .map(|part| part.smpl.len())
        .unwrap();
    // The sine's ten cycles of 100 points and the gap after them, 2 bytes a point.
    assert_eq!(sine, (1000 + GAP) * 2);
    assert_eq!(file.smpl.len(), 2 * sine);
}

#[test]
fn a_preset_the_file_lacks_is_an_error() {
    let file = SoundFontFile::parse(SF2).unwrap();
    assert!(matches!(file.extract(3), Err(SplitError::NoSuchPreset(3))));
}

#[test]
fn what_is_not_a_soundfont_is_refused() {
    assert!(SoundFontFile::parse(b"RIFF\x04\0\0\0WAVE").is_err());
    assert!(SoundFontFile::parse(&[]).is_err());
    // Cut anywhere, the file is refused.
    for length in 0..SF2.len() {
        assert!(
            SoundFontFile::parse(&SF2[..length]).is_err(),
            "cut at {length}"
        );
    }
}

#[test]
fn a_damaged_file_gives_an_error_or_a_part_never_a_crash() {
    // Every byte of the tables (the last 600 bytes hold them) set to 0xFF in turn.
    for at in SF2.len() - 600..SF2.len() {
        let mut damaged = SF2.to_vec();
        damaged[at] = 0xFF;
        if let Ok(file) = SoundFontFile::parse(&damaged) {
            for index in 0..3 {
                let _ = file.extract(index);
            }
        }
    }
}
