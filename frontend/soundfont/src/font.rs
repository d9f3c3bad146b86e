//! A SoundFont read for playing: rustysynth's parsed font, shared by every synthesizer that
//! plays it, and the presets it offers.

use std::{io::Cursor, sync::Arc};

use rustysynth::SoundFont;

/// A preset the SoundFont offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub bank: u8,
    pub program: u8,
    pub name: String,
}

pub struct Font {
    /// The parsed font: its samples are held once however many synthesizers play it.
    pub sound_font: Arc<SoundFont>,
    /// Its presets by bank and program (banks up to 128, the percussion bank).
    pub presets: Vec<Preset>,
}

impl Font {
    /// Reads a SoundFont (`.sf2`).
    pub fn read(sf2: &[u8]) -> Result<Self, String> {
        let sound_font = SoundFont::new(&mut Cursor::new(sf2))
            .map_err(|error| format!("not a SoundFont this player can read: {error:?}"))?;
        let mut presets: Vec<Preset> = sound_font
            .get_presets()
            .iter()
            .filter_map(|preset| {
                Some(Preset {
                    bank: u8::try_from(preset.get_bank_number()).ok()?,
                    program: u8::try_from(preset.get_patch_number()).ok()?,
                    name: preset.get_name().trim().to_owned(),
                })
            })
            .filter(|preset| preset.bank <= 128 && preset.program <= 127)
            .collect();
        presets.sort_by_key(|preset| (preset.bank, preset.program));
        presets.dedup_by_key(|preset| (preset.bank, preset.program));
        Ok(Self {
            sound_font: Arc::new(sound_font),
            presets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SF2: &[u8] = include_bytes!("../../../end2end/fixtures/test.sf2");

    #[test]
    fn lists_the_presets_by_bank_and_program() {
        let font = Font::read(SF2).unwrap();
        let listed: Vec<_> = font
            .presets
            .iter()
            .map(|p| (p.bank, p.program, p.name.as_str()))
            .collect();
        assert_eq!(
            listed,
            [
                (0, 0, "Test Sine"),
                (0, 80, "Test Square"),
                (128, 0, "Test Kit")
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_a_soundfont() {
        assert!(Font::read(b"RIFF\x04\0\0\0WAVE").is_err());
        assert!(Font::read(&SF2[..SF2.len() / 2]).is_err());
        assert!(Font::read(&[]).is_err());
    }
}
