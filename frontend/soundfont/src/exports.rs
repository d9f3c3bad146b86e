//! The module's functions as the AudioWorklet (`processor.js`) calls them: numbers in,
//! numbers out, bytes through the module's memory. One band of SoundFonts per worklet.
//!
//! Text (a preset list, an error) is left in `TEXT` as ASCII lines, read by the worklet
//! from `text_pointer()`/`text_length()`: an AudioWorklet has no `TextDecoder` everywhere.

use std::cell::RefCell;

use crate::band::Band;

thread_local! {
    /// The loaded SoundFonts and their synthesizers; none until the first loads.
    static BAND: RefCell<Option<Band>> = const { RefCell::new(None) };
    /// The answer to the last `load`: presets or the reason for a refusal.
    static TEXT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// Where the worklet writes a SoundFont's bytes.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The last rendered block, left then right.
    static OUTPUT: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Room for `length` bytes of input (a SoundFont), written by the worklet before `load`.
#[no_mangle]
pub extern "C" fn input_buffer(length: usize) -> *mut u8 {
    INPUT.with_borrow_mut(|input| {
        *input = vec![0; length];
        input.as_mut_ptr()
    })
}

/// Loads the SoundFont in the input buffer as `font`. 1: loaded, `TEXT` lists its presets as
/// "bank program name" lines; 0: refused, `TEXT` says why.
#[no_mangle]
pub extern "C" fn load(font: u32, sample_rate: f64) -> u32 {
    let sf2 = INPUT.take();
    let (text, outcome) = BAND.with_borrow_mut(|band| {
        let band = band.get_or_insert_with(|| Band::new(sample_rate as u32));
        match band.load(font, &sf2) {
            Ok(presets) => {
                let lines: String = presets
                    .iter()
                    .map(|preset| format!("{} {} {}\n", preset.bank, preset.program, preset.name))
                    .collect();
                (lines, 1)
            }
            Err(why) => (why, 0),
        }
    });
    let ascii = text
        .chars()
        .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
        .collect();
    TEXT.set(ascii);
    outcome
}

/// Forgets SoundFont `font`.
#[no_mangle]
pub extern "C" fn unload(font: u32) {
    with_band(|band| band.unload(font));
}

#[no_mangle]
pub extern "C" fn text_pointer() -> *const u8 {
    TEXT.with_borrow(|text| text.as_ptr())
}

#[no_mangle]
pub extern "C" fn text_length() -> usize {
    TEXT.with_borrow(|text| text.len())
}

/// From audio frame `frame` on, `player` plays preset `bank`/`program` of SoundFont `font`.
#[no_mangle]
pub extern "C" fn patch(frame: f64, player: u32, font: u32, bank: u32, program: u32) {
    let (Ok(bank), Ok(program)) = (u8::try_from(bank), u8::try_from(program)) else {
        return;
    };
    with_band(|band| band.patch(frame.max(0.0) as u64, player, font, bank, program));
}

/// A MIDI message of `player`'s to apply at audio frame `frame`.
#[no_mangle]
pub extern "C" fn midi(frame: f64, player: u32, status: u32, data1: u32, data2: u32) {
    let frame = frame.max(0.0) as u64;
    with_band(|band| band.midi(frame, player, status as u8, data1 as u8, data2 as u8));
}

/// Renders `frames` samples from audio frame `first_frame` on; the left channel at the
/// returned address, the right one right after it. Null before a SoundFont is loaded.
#[no_mangle]
pub extern "C" fn render(first_frame: f64, frames: usize) -> *const f32 {
    BAND.with_borrow_mut(|band| {
        let Some(band) = band else {
            return std::ptr::null();
        };
        let (left, right) = band.render(first_frame.max(0.0) as u64, frames);
        OUTPUT.with_borrow_mut(|output| {
            output.clear();
            output.extend_from_slice(left);
            output.extend_from_slice(right);
            output.as_ptr()
        })
    })
}

fn with_band(act: impl FnOnce(&mut Band)) {
    BAND.with_borrow_mut(|band| {
        if let Some(band) = band {
            act(band);
        }
    });
}
