//! The built-in instruments as the browser finds them: one file per preset, named by its
//! content's hash (so the server may let browsers keep it for a year), and the list of them
//! (`instruments.json`) with General MIDI's names and families.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    general_midi,
    split::{PresetHeader, SoundFontFile, SplitError},
};

/// The list's file name.
pub const LIST: &str = "instruments.json";

/// The list the browser reads.
#[derive(Debug, Serialize)]
pub struct Catalogue {
    /// Whose instruments these are and under which licence, for the page to show.
    pub credit: String,
    pub instruments: Vec<Entry>,
}

/// One instrument of the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub bank: u16,
    pub program: u16,
    /// General MIDI's name for it.
    pub name: String,
    /// General MIDI's family ("Strings"), "Drum kits" for the percussion bank.
    pub family: String,
    /// The file holding it, beside the list.
    pub file: String,
    /// The file's size in bytes, for the page to say how much it fetches.
    pub bytes: usize,
}

/// One instrument's file.
pub struct Part {
    pub entry: Entry,
    pub bytes: Vec<u8>,
}

/// The General MIDI instruments of `sf2`, each as a file of its own.
pub fn parts(sf2: &[u8]) -> Result<Vec<Part>, SplitError> {
    let file = SoundFontFile::parse(sf2)?;
    general_midi_presets(file.presets()?)
        .into_iter()
        .map(|(preset, name, family)| {
            let bytes = file.extract(preset.index)?;
            Ok(Part {
                entry: entry(&preset, name, family, &bytes),
                bytes,
            })
        })
        .collect()
}

/// The presets General MIDI names, with their names and families, by bank and program: its
/// 128 programs and the drum kits it names (a file's variations of a kit are left out, each
/// a full kit's samples again), the first of each bank and program where there are several.
fn general_midi_presets(
    mut presets: Vec<PresetHeader>,
) -> Vec<(PresetHeader, &'static str, &'static str)> {
    presets.sort_by_key(|preset| (preset.bank, preset.program, preset.index));
    presets.dedup_by_key(|preset| (preset.bank, preset.program));
    presets
        .into_iter()
        .filter_map(|preset| {
            let (name, family) = general_midi::name_and_family(preset.bank, preset.program)?;
            Some((preset, name, family))
        })
        .collect()
}

/// The list's entry for `preset`, whose file holds `bytes`.
fn entry(preset: &PresetHeader, name: &str, family: &str, bytes: &[u8]) -> Entry {
    let hash = Sha256::digest(bytes);
    let hash: String = hash[..8].iter().map(|byte| format!("{byte:02x}")).collect();
    Entry {
        bank: preset.bank,
        program: preset.program,
        name: name.to_owned(),
        family: family.to_owned(),
        file: format!("{}-{}.{hash}.sf2", preset.bank, preset.program),
        bytes: bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SF2: &[u8] = include_bytes!("../../../end2end/fixtures/test.sf2");

    #[test]
    fn names_each_part_by_general_midi_and_its_content() {
        let split = parts(SF2).unwrap();
        let entries: Vec<_> = split.iter().map(|part| &part.entry).collect();
        let named: Vec<_> = entries
            .iter()
            .map(|e| (e.bank, e.program, e.name.as_str(), e.family.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                (0, 0, "Acoustic Grand Piano", "Piano"),
                (0, 80, "Lead 1 (square)", "Synth Lead"),
                (128, 0, "Standard Kit", "Drum kits"),
            ]
        );
        for part in &split {
            assert_eq!(part.entry.bytes, part.bytes.len());
            let prefix = format!("{}-{}.", part.entry.bank, part.entry.program);
            assert!(part.entry.file.starts_with(&prefix) && part.entry.file.ends_with(".sf2"));
        }
        // Another content, another name; the same content, the same name.
        assert_ne!(entries[0].file, entries[1].file);
        assert_eq!(parts(SF2).unwrap()[0].entry.file, entries[0].file);
    }

    #[test]
    fn keeps_what_general_midi_names_once_each() {
        let preset = |index, bank, program| PresetHeader {
            index,
            bank,
            program,
            name: format!("preset {index}"),
        };
        let presets = vec![
            preset(0, 0, 40),
            preset(1, 128, 1),
            preset(2, 8, 40),
            preset(3, 0, 40),
            preset(4, 128, 8),
            preset(5, 0, 0),
        ];
        let kept: Vec<_> = general_midi_presets(presets)
            .into_iter()
            .map(|(preset, name, _)| (preset.index, name))
            .collect();
        assert_eq!(
            kept,
            [(5, "Acoustic Grand Piano"), (0, "Violin"), (4, "Room Kit")]
        );
    }
}
