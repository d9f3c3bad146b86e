//! Standard MIDI Files: read into a score, and a score written as one.
//!
//! [`read`] takes formats 0 and 1 with any time division; [`write`] makes format 0 files. The
//! bytes are parsed and encoded by midly; this module turns its events into the score's
//! milliseconds and back.

mod clock;
mod read;
mod write;

pub(super) use read::read;
pub(super) use write::write;

/// The sustain pedal's controller number.
const SUSTAIN: u8 = 64;
