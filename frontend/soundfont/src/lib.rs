//! The SoundFont synthesizer of the browser client, run in an AudioWorklet so that rendering
//! never waits on the page's main thread.
//!
//! The worklet (`processor.js`) instantiates this module with no imports and calls the plain
//! functions of `exports`; it has no wasm-bindgen glue, since an AudioWorklet cannot load one.
//!
//! - `player`: a SoundFont, its synthesizer and MIDI messages scheduled to the exact frame.
//! - `exports`: the module's functions, as the worklet calls them.

#[cfg(target_arch = "wasm32")]
mod exports;
pub mod player;
