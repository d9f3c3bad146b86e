//! A MIDI file's notes kept apart by part (a track and a channel), and what each part is called.
//!
//! A format 1 file usually gives each instrument a track, a format 0 file a channel: a part is
//! one channel of one track, so both come apart the way their author made them.

use std::collections::BTreeMap;

use super::super::{sort_notes, Note, PedalChange, Score};

/// A MIDI file's music, its notes kept apart by part.
#[derive(Clone, Debug, PartialEq)]
pub struct MidiParts {
    /// Every part that plays a note, in file order: by track, then by channel.
    pub parts: Vec<Part>,
    /// The sustain pedal (control change 64 on any channel), which every part shares as a
    /// piano's one pedal would.
    pub pedal: Vec<PedalChange>,
    /// The file's first tempo, as in [`Score::tempo_bpm`].
    pub tempo_bpm: f64,
}

/// The notes of one channel of one track.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// What a player sees to choose it: the track's name, or its number or channel.
    pub name: String,
    /// In a score's order (see [`sort_notes`]).
    pub notes: Vec<Note>,
}

/// Which part a note belongs to; ordered as the file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct PartKey {
    /// The track's index in the file.
    pub(super) track: usize,
    /// The MIDI channel, 0 to 15.
    pub(super) channel: u8,
}

/// The longest part name kept, in characters: names are labels, not text.
const MAX_NAME_CHARS: usize = 60;

impl MidiParts {
    /// The score of the parts `keep` chooses (by their index in [`MidiParts::parts`]).
    pub fn score(&self, keep: impl Fn(usize) -> bool) -> Score {
        let mut notes: Vec<Note> = self
            .parts
            .iter()
            .enumerate()
            .filter(|(index, _)| keep(*index))
            .flat_map(|(_, part)| part.notes.iter().copied())
            .collect();
        sort_notes(&mut notes);
        Score {
            notes,
            pedal: self.pedal.clone(),
            tempo_bpm: self.tempo_bpm,
        }
    }
}

/// A Track Name event's text as a label: any encoding read leniently (files predate UTF-8),
/// control characters dropped, trimmed and bounded.
pub(super) fn track_name(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|character| !character.is_control())
        .take(MAX_NAME_CHARS)
        .collect::<String>()
        .trim()
        .to_owned()
}

/// The parts, named: a track's name where it has one, its channel when the file has one track
/// of notes (format 0), its number otherwise; a track playing on several channels adds the
/// channel to tell its parts apart. `names` holds each track's name, by index.
pub(super) fn named(notes: BTreeMap<PartKey, Vec<Note>>, names: &[Option<String>]) -> Vec<Part> {
    let tracks_with_notes = {
        let mut tracks: Vec<usize> = notes.keys().map(|key| key.track).collect();
        tracks.dedup();
        tracks.len()
    };
    let channels_of = |track: usize| notes.keys().filter(|key| key.track == track).count();
    notes
        .iter()
        .map(|(key, part_notes)| {
            let channel = key.channel + 1;
            let track_name = names
                .get(key.track)
                .and_then(Option::as_deref)
                .filter(|name| !name.is_empty());
            let name = match track_name {
                Some(name) if channels_of(key.track) == 1 => name.to_owned(),
                Some(name) => format!("{name} (channel {channel})"),
                None if tracks_with_notes == 1 => format!("Channel {channel}"),
                None if channels_of(key.track) == 1 => format!("Track {}", key.track + 1),
                None => format!("Track {} (channel {channel})", key.track + 1),
            };
            Part {
                name,
                notes: part_notes.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes_at(keys: &[(usize, u8, f64)]) -> BTreeMap<PartKey, Vec<Note>> {
        let mut notes: BTreeMap<PartKey, Vec<Note>> = BTreeMap::new();
        for &(track, channel, start_ms) in keys {
            notes
                .entry(PartKey { track, channel })
                .or_default()
                .push(Note::new(start_ms, 100.0, 60 + channel, 90));
        }
        notes
    }

    fn names(parts: &[Part]) -> Vec<&str> {
        parts.iter().map(|part| part.name.as_str()).collect()
    }

    #[test]
    fn one_track_of_notes_names_its_channels() {
        let parts = named(notes_at(&[(0, 0, 0.0), (0, 9, 0.0)]), &[None]);
        assert_eq!(names(&parts), ["Channel 1", "Channel 10"]);
    }

    #[test]
    fn tracks_go_by_their_name_or_number_and_the_channel_only_when_it_tells_parts_apart() {
        let tracks = [
            None,
            Some("Right hand".to_owned()),
            Some(String::new()),
            Some("Strings".to_owned()),
        ];
        let notes = notes_at(&[(1, 0, 0.0), (2, 1, 0.0), (3, 2, 0.0), (3, 3, 0.0)]);
        assert_eq!(
            names(&named(notes, &tracks)),
            [
                "Right hand",
                "Track 3",
                "Strings (channel 3)",
                "Strings (channel 4)"
            ]
        );
    }

    #[test]
    fn track_names_are_labels_whatever_the_bytes() {
        assert_eq!(track_name(b"  Piano\0\r\n"), "Piano");
        assert_eq!(track_name(b"Caf\xe9"), "Caf\u{fffd}");
        assert_eq!(track_name(&[b'x'; 500]).len(), MAX_NAME_CHARS);
    }

    #[test]
    fn a_score_of_chosen_parts_merges_them_in_order() {
        let parts = MidiParts {
            parts: named(
                notes_at(&[(0, 0, 0.0), (0, 0, 200.0), (0, 1, 100.0), (0, 2, 50.0)]),
                &[None],
            ),
            pedal: vec![],
            tempo_bpm: 120.0,
        };
        let starts =
            |score: Score| -> Vec<f64> { score.notes.iter().map(|note| note.start_ms).collect() };
        assert_eq!(starts(parts.score(|_| true)), [0.0, 50.0, 100.0, 200.0]);
        assert_eq!(starts(parts.score(|index| index != 1)), [0.0, 50.0, 200.0]);
        assert_eq!(starts(parts.score(|_| false)), Vec::<f64>::new());
    }
}
