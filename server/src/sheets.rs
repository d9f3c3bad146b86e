//! Sheet music: Virtual Piano sheets and MIDI files, read into one timeline of notes.

pub mod format;
