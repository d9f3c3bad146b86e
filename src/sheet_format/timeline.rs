//! A [`Score`] as compact bytes, so a server can keep it next to a sheet's source and never
//! read the source again.
//!
//! Binary rather than JSON: a note is 18 bytes here against about 60 as JSON, times are kept as
//! the exact `f64` the reader made (so a stored timeline gives back the very notes a fresh read
//! gives), and decoding is a bounds-checked copy, well under a millisecond for the largest
//! sheet. Layout, little-endian: a version byte ([`VERSION`]), the tempo (`f64`), the note and
//! pedal counts (`u32` each), then every note (start and duration `f64`, key, velocity) and
//! every pedal change (time `f64`, down `0`/`1`).

use super::{FormatError, Note, PedalChange, Score, MAX_NOTES};

/// The layout written; a stored timeline of another version is refused, to be computed again.
pub const VERSION: u8 = 1;

/// Bytes before the notes: version, tempo, two counts.
const HEADER_BYTES: usize = 1 + 8 + 4 + 4;
/// Bytes of one note.
const NOTE_BYTES: usize = 8 + 8 + 1 + 1;
/// Bytes of one pedal change.
const PEDAL_BYTES: usize = 8 + 1;

/// The score as bytes.
pub fn encode(score: &Score) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(
        HEADER_BYTES + score.notes.len() * NOTE_BYTES + score.pedal.len() * PEDAL_BYTES,
    );
    bytes.push(VERSION);
    bytes.extend_from_slice(&score.tempo_bpm.to_le_bytes());
    bytes.extend_from_slice(&count(score.notes.len()).to_le_bytes());
    bytes.extend_from_slice(&count(score.pedal.len()).to_le_bytes());
    for note in &score.notes {
        bytes.extend_from_slice(&note.start_ms.to_le_bytes());
        bytes.extend_from_slice(&note.duration_ms.to_le_bytes());
        bytes.extend_from_slice(&[note.key, note.velocity]);
    }
    for change in &score.pedal {
        bytes.extend_from_slice(&change.at_ms.to_le_bytes());
        bytes.push(u8::from(change.down));
    }
    bytes
}

/// Bytes [`encode`] wrote back as the score; anything else is [`FormatError::Unsupported`].
pub fn decode(bytes: &[u8]) -> Result<Score, FormatError> {
    let mut reader = Reader { bytes };
    let version = reader.take::<1>()?[0];
    if version != VERSION {
        return Err(unreadable(format!("version {version}")));
    }
    let tempo_bpm = f64::from_le_bytes(reader.take()?);
    let notes = reader.count()?;
    let pedal = reader.count()?;
    if bytes.len() != HEADER_BYTES + notes * NOTE_BYTES + pedal * PEDAL_BYTES {
        return Err(unreadable("its length does not match its counts"));
    }
    let notes = (0..notes)
        .map(|_| {
            let start_ms = f64::from_le_bytes(reader.take()?);
            let duration_ms = f64::from_le_bytes(reader.take()?);
            let [key, velocity] = reader.take()?;
            Ok(Note {
                start_ms,
                duration_ms,
                key,
                velocity,
            })
        })
        .collect::<Result<_, FormatError>>()?;
    let pedal = (0..pedal)
        .map(|_| {
            let at_ms = f64::from_le_bytes(reader.take()?);
            let down = match reader.take::<1>()?[0] {
                0 => false,
                1 => true,
                other => return Err(unreadable(format!("pedal state {other}"))),
            };
            Ok(PedalChange { at_ms, down })
        })
        .collect::<Result<_, FormatError>>()?;
    Ok(Score {
        notes,
        pedal,
        tempo_bpm,
    })
}

/// A count as stored; a score never holds more than [`MAX_NOTES`] of anything.
fn count(len: usize) -> u32 {
    u32::try_from(len).expect("a score holds at most MAX_NOTES notes")
}

fn unreadable(why: impl std::fmt::Display) -> FormatError {
    FormatError::Unsupported(format!("the stored timeline cannot be read: {why}"))
}

/// The bytes not read yet.
struct Reader<'a> {
    /// What is left.
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], FormatError> {
        let Some((head, rest)) = self.bytes.split_first_chunk::<N>() else {
            return Err(unreadable("it ends too early"));
        };
        self.bytes = rest;
        Ok(*head)
    }

    /// A note or pedal count, refused above [`MAX_NOTES`] before anything is allocated.
    fn count(&mut self) -> Result<usize, FormatError> {
        let count = u32::from_le_bytes(self.take()?) as usize;
        if count > MAX_NOTES {
            return Err(unreadable(format!("{count} entries")));
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{domain::sheet_music::SheetFormat, sheet_format};

    #[test]
    fn a_timeline_gives_back_exactly_the_score_it_was_made_of() {
        let score = Score {
            notes: vec![
                Note::new(0.0, 125.5, 60, 96),
                Note::new(0.1 + 0.2, 1e-9, 127, 1),
            ],
            pedal: vec![
                PedalChange {
                    at_ms: 10.0,
                    down: true,
                },
                PedalChange {
                    at_ms: 999.75,
                    down: false,
                },
            ],
            tempo_bpm: 133.33,
        };
        assert_eq!(decode(&encode(&score)).unwrap(), score);
        let sheet =
            sheet_format::read(SheetFormat::VirtualPiano, b"tempo: 90\nt y [tu] | o").unwrap();
        assert_eq!(decode(&encode(&sheet)).unwrap(), sheet);
        assert_eq!(encode(&sheet).len(), HEADER_BYTES + 5 * NOTE_BYTES);
    }

    #[test]
    fn damaged_timelines_are_refused_without_panicking() {
        let score = Score {
            notes: vec![Note::new(0.0, 1.0, 60, 96); 3],
            pedal: vec![PedalChange {
                at_ms: 0.0,
                down: true,
            }],
            tempo_bpm: 120.0,
        };
        let bytes = encode(&score);
        for len in 0..bytes.len() {
            assert!(decode(&bytes[..len]).is_err(), "cut at {len}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode(&longer).is_err());
        let mut other_version = bytes.clone();
        other_version[0] = VERSION + 1;
        assert!(decode(&other_version).is_err());
        let mut bad_pedal = bytes.clone();
        *bad_pedal.last_mut().unwrap() = 2;
        assert!(decode(&bad_pedal).is_err());
        let mut huge = bytes;
        huge[9..13].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&huge).is_err());
    }
}
