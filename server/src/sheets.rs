//! Sheet music: Virtual Piano sheets and MIDI files, read into one timeline of notes.
//!
//! - `format`: reading Virtual Piano text and MIDI files into a [`format::Score`], and writing
//!   a score as MIDI
//! - `library`: [`SheetLibrary`], the service behind the REST API and the pages
//! - `recording`: what a room heard, checked and written as a MIDI file
//! - `pages`: the library as the sheet pages' server functions reach it

pub mod format;
pub mod library;
mod pages;
pub mod recording;

pub use library::{Download, SheetLibrary};
pub use pages::SheetPages;
