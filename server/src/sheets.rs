//! Sheet music: Virtual Piano sheets and MIDI files, read into one timeline of notes (by
//! `pianorhythm_core::sheet_format`, which the browser shares).
//!
//! - `format`: a sheet's format errors as the player sees them
//! - `heavy`: CPU-bound sheet work, bounded, on blocking threads
//! - `library`: [`SheetLibrary`], the service behind the REST API and the pages
//! - `recording`: what a room heard, checked and written as a MIDI file
//! - `pages`: the library as the sheet pages' server functions reach it

mod format;
pub mod heavy;
pub mod library;
mod pages;
pub mod recording;

pub use library::{Download, SheetLibrary};
pub use pages::SheetPages;
