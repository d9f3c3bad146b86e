//! The SoundFont synthesizer of the browser client, run in an AudioWorklet so that rendering
//! never waits on the page's main thread; and, natively, the build's splitter of a General MIDI
//! SoundFont into one small file per instrument.
//!
//! The worklet (`processor.js`) instantiates this module with no imports and calls the plain
//! functions of `exports`; it has no wasm-bindgen glue, since an AudioWorklet cannot load one.
//!
//! - `font`: a SoundFont read for playing, and its presets.
//! - `player`: one synthesizer and MIDI messages scheduled to the exact frame.
//! - `band`: several SoundFonts and synthesizers at once, a channel for every player.
//! - `exports`: the module's functions, as the worklet calls them.
//! - `general_midi`: General MIDI's instrument names and families.
//! - `split` (native): one SoundFont per preset of a SoundFont.
//! - `catalogue` (native): the list of the split instruments the browser reads.

pub mod band;
#[cfg(not(target_arch = "wasm32"))]
pub mod catalogue;
#[cfg(target_arch = "wasm32")]
mod exports;
pub mod font;
pub mod general_midi;
pub mod player;
#[cfg(not(target_arch = "wasm32"))]
pub mod split;
