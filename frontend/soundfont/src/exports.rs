//! The module's functions as the AudioWorklet (`processor.js`) calls them: numbers in,
//! numbers out, bytes through the module's memory. One player per worklet.
//!
//! Text (the preset list, an error) is left in `TEXT` as ASCII lines, read by the worklet
//! from `text_pointer()`/`text_length()`: an AudioWorklet has no `TextDecoder` everywhere.

use std::cell::RefCell;

use crate::player::Player;

thread_local! {
    /// The loaded SoundFont's player; none until one loads.
    static PLAYER: RefCell<Option<Player>> = const { RefCell::new(None) };
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

/// Loads the SoundFont in the input buffer. 1: loaded, `TEXT` lists its presets as
/// "bank program name" lines; 0: refused, `TEXT` says why.
#[no_mangle]
pub extern "C" fn load(sample_rate: f64) -> u32 {
    let sf2 = INPUT.take();
    let loaded = Player::new(&sf2, sample_rate as u32);
    let (text, outcome) = match loaded {
        Ok(player) => {
            let lines: String = player
                .presets()
                .iter()
                .map(|preset| format!("{} {} {}\n", preset.bank, preset.program, preset.name))
                .collect();
            PLAYER.set(Some(player));
            (lines, 1)
        }
        Err(why) => (why, 0),
    };
    let ascii = text
        .chars()
        .map(|c| if c.is_ascii() { c as u8 } else { b'?' })
        .collect();
    TEXT.set(ascii);
    outcome
}

#[no_mangle]
pub extern "C" fn text_pointer() -> *const u8 {
    TEXT.with_borrow(|text| text.as_ptr())
}

#[no_mangle]
pub extern "C" fn text_length() -> usize {
    TEXT.with_borrow(|text| text.len())
}

/// A MIDI message to apply at audio frame `frame`.
#[no_mangle]
pub extern "C" fn schedule(frame: f64, status: u32, data1: u32, data2: u32) {
    PLAYER.with_borrow_mut(|player| {
        if let Some(player) = player {
            player.schedule(
                frame.max(0.0) as u64,
                status as u8,
                data1 as u8,
                data2 as u8,
            );
        }
    });
}

/// Renders `frames` samples from audio frame `first_frame` on; the left channel at the
/// returned address, the right one right after it. Null before a SoundFont is loaded.
#[no_mangle]
pub extern "C" fn render(first_frame: f64, frames: usize) -> *const f32 {
    PLAYER.with_borrow_mut(|player| {
        let Some(player) = player else {
            return std::ptr::null();
        };
        let (left, right) = player.render(first_frame.max(0.0) as u64, frames);
        OUTPUT.with_borrow_mut(|output| {
            output.clear();
            output.extend_from_slice(left);
            output.extend_from_slice(right);
            output.as_ptr()
        })
    })
}
