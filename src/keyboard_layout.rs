//! Playing with the computer keyboard: which physical key plays which note.
//!
//! Keys are identified by `KeyboardEvent.code` (the physical key), so the layouts work the same
//! on QWERTY, AZERTY or Dvorak keyboards.

/// The two layouts players know from other sites.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Virtual Piano: 36 keys in keyboard order are the white keys from C2; Shift sharpens.
    /// Sheets written for virtualpiano-style sites use this.
    VirtualPiano,
    /// Multiplayer Piano: two rows like piano keys (bottom row from C3, top row from C4),
    /// with the row above each giving the black keys.
    Mpp,
}

impl Layout {
    pub const ALL: [Layout; 2] = [Layout::VirtualPiano, Layout::Mpp];

    pub fn id(self) -> &'static str {
        match self {
            Self::VirtualPiano => "virtual-piano",
            Self::Mpp => "mpp",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::VirtualPiano => "Virtual Piano",
            Self::Mpp => "Multiplayer Piano",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|layout| layout.id() == id)
    }

    /// The MIDI note for a physical key, before octave shift.
    pub fn note(self, code: &str, shift: bool) -> Option<u8> {
        match self {
            Self::VirtualPiano => virtual_piano(code, shift),
            Self::Mpp => mpp(code),
        }
    }
}

const VIRTUAL_PIANO_KEYS: [&str; 36] = [
    "Digit1", "Digit2", "Digit3", "Digit4", "Digit5", "Digit6", "Digit7", "Digit8", "Digit9",
    "Digit0", "KeyQ", "KeyW", "KeyE", "KeyR", "KeyT", "KeyY", "KeyU", "KeyI", "KeyO", "KeyP",
    "KeyA", "KeyS", "KeyD", "KeyF", "KeyG", "KeyH", "KeyJ", "KeyK", "KeyL", "KeyZ", "KeyX", "KeyC",
    "KeyV", "KeyB", "KeyN", "KeyM",
];

/// Semitones of the white keys within an octave.
const WHITE_STEPS: [u8; 7] = [0, 2, 4, 5, 7, 9, 11];

fn virtual_piano(code: &str, shift: bool) -> Option<u8> {
    let index = VIRTUAL_PIANO_KEYS.iter().position(|&key| key == code)?;
    let (octave, step) = (index / 7, index % 7);
    let white = 36 + 12 * octave as u8 + WHITE_STEPS[step];
    // E and B have no sharp: Shift on them plays the white key itself.
    let sharpened = shift && !matches!(step, 2 | 6);
    Some(white + u8::from(sharpened))
}

/// Bottom two rows: C3 upwards; top two rows: C4 upwards.
const MPP_LOWER: [&str; 17] = [
    "KeyZ",
    "KeyS",
    "KeyX",
    "KeyD",
    "KeyC",
    "KeyV",
    "KeyG",
    "KeyB",
    "KeyH",
    "KeyN",
    "KeyJ",
    "KeyM",
    "Comma",
    "KeyL",
    "Period",
    "Semicolon",
    "Slash",
];
const MPP_UPPER: [&str; 20] = [
    "KeyQ",
    "Digit2",
    "KeyW",
    "Digit3",
    "KeyE",
    "KeyR",
    "Digit5",
    "KeyT",
    "Digit6",
    "KeyY",
    "Digit7",
    "KeyU",
    "KeyI",
    "Digit9",
    "KeyO",
    "Digit0",
    "KeyP",
    "BracketLeft",
    "Equal",
    "BracketRight",
];

fn mpp(code: &str) -> Option<u8> {
    if let Some(index) = MPP_LOWER.iter().position(|&key| key == code) {
        return Some(48 + index as u8);
    }
    MPP_UPPER
        .iter()
        .position(|&key| key == code)
        .map(|index| 60 + index as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notes::note_name;

    fn name(layout: Layout, code: &str, shift: bool) -> String {
        note_name(layout.note(code, shift).unwrap())
    }

    #[test]
    fn virtual_piano_walks_the_white_keys_from_c2() {
        assert_eq!(name(Layout::VirtualPiano, "Digit1", false), "C2");
        assert_eq!(name(Layout::VirtualPiano, "Digit8", false), "C3");
        assert_eq!(name(Layout::VirtualPiano, "KeyT", false), "C4");
        assert_eq!(name(Layout::VirtualPiano, "KeyM", false), "C7");
    }

    #[test]
    fn shift_sharpens_in_virtual_piano_except_e_and_b() {
        assert_eq!(name(Layout::VirtualPiano, "KeyT", true), "C#4");
        assert_eq!(name(Layout::VirtualPiano, "KeyU", true), "E4");
    }

    #[test]
    fn mpp_rows_are_laid_out_like_a_piano() {
        assert_eq!(name(Layout::Mpp, "KeyZ", false), "C3");
        assert_eq!(name(Layout::Mpp, "KeyS", false), "C#3");
        assert_eq!(name(Layout::Mpp, "KeyQ", false), "C4");
        assert_eq!(name(Layout::Mpp, "Digit2", false), "C#4");
        assert_eq!(name(Layout::Mpp, "KeyI", false), "C5");
    }

    #[test]
    fn unknown_keys_play_nothing() {
        assert_eq!(Layout::VirtualPiano.note("Space", false), None);
        assert_eq!(Layout::Mpp.note("KeyA", false), None);
        assert_eq!(Layout::from_id("mpp"), Some(Layout::Mpp));
        assert_eq!(Layout::from_id("nope"), None);
    }
}
