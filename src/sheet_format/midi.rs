//! Standard MIDI Files: read into notes by part, and a score written as one.
//!
//! [`read`] takes formats 0 and 1 with any time division; [`write`] makes format 0 files. The
//! bytes are parsed and encoded by midly; this module turns its events into the score's
//! milliseconds and back.
//!
//! - `clock`: ticks into milliseconds across tempo changes
//! - `parts`: notes kept apart by track and channel, and their names
//! - `read`: a file's events into notes and pedal
//! - `write`: a score as a format 0 file

mod clock;
mod parts;
mod read;
mod write;

pub use parts::{MidiParts, Part};
pub(super) use read::read;
pub(super) use write::write;

/// The sustain pedal's controller number.
const SUSTAIN: u8 = 64;
