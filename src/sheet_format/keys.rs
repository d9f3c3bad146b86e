//! Which character of a Virtual Piano sheet plays which key.
//!
//! A sheet spells what a player types on the Virtual Piano layout, so the map is built from the
//! app's own [`Layout::VirtualPiano`]: each character is turned back into the physical key and
//! Shift state that type it on a US keyboard, and the layout says which note that plays. A sheet
//! therefore sounds exactly as typing it into the piano would.

use std::sync::LazyLock;

use crate::keyboard_layout::Layout;

/// The 36 white keys, C2 upwards, one character per physical key of the layout.
const WHITE: &str = "1234567890qwertyuiopasdfghjklzxcvbnm";

/// The sharps: Shift on the white key below. E and B have none, and neither has the top C (C7):
/// the sheets' 61 keys end there, as on virtualpiano.net.
const SHARP: &str = "!@$%^*(QWETYIOPSDGHJLZCVB";

/// What Shift turns each digit into on a US keyboard, the one sheets are written for.
const SHIFTED_DIGITS: [(char, char); 10] = [
    ('!', '1'),
    ('@', '2'),
    ('#', '3'),
    ('$', '4'),
    ('%', '5'),
    ('^', '6'),
    ('&', '7'),
    ('*', '8'),
    ('(', '9'),
    (')', '0'),
];

/// The key of every ASCII character, indexed by its code.
static KEYS: LazyLock<[Option<u8>; 128]> = LazyLock::new(|| {
    let mut keys = [None; 128];
    for (characters, shift) in [(WHITE, false), (SHARP, true)] {
        for character in characters.chars() {
            if let Some(code) = physical_key(character) {
                keys[usize::from(character as u8)] = Layout::VirtualPiano.note(&code, shift);
            }
        }
    }
    keys
});

/// The MIDI key a sheet character plays, if it is one of the 61.
pub(super) fn key(character: char) -> Option<u8> {
    let index = usize::try_from(u32::from(character)).ok()?;
    KEYS.get(index).copied().flatten()
}

/// The `KeyboardEvent.code` of the key that types `character` on a US keyboard, Shift aside.
fn physical_key(character: char) -> Option<String> {
    let unshifted = SHIFTED_DIGITS
        .iter()
        .find(|(shifted, _)| *shifted == character)
        .map_or(character.to_ascii_lowercase(), |&(_, digit)| digit);
    match unshifted {
        '0'..='9' => Some(format!("Digit{unshifted}")),
        'a'..='z' => Some(format!("Key{}", unshifted.to_ascii_uppercase())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_keys_are_the_layout_unshifted() {
        for character in WHITE.chars() {
            let code = physical_key(character).unwrap();
            assert_eq!(key(character), Layout::VirtualPiano.note(&code, false));
        }
        assert_eq!(key('1'), Some(36), "C2");
        assert_eq!(key('t'), Some(60), "C4");
        assert_eq!(key('m'), Some(96), "C7");
    }

    #[test]
    fn shifted_characters_are_the_sharp_above_the_same_physical_key() {
        for character in SHARP.chars() {
            let code = physical_key(character).unwrap();
            let white = Layout::VirtualPiano.note(&code, false).unwrap();
            assert_eq!(key(character), Layout::VirtualPiano.note(&code, true));
            assert_eq!(key(character), Some(white + 1), "{character} is a sharp");
        }
        assert_eq!(key('!'), Some(37), "C#2");
        assert_eq!(key('T'), Some(61), "C#4");
    }

    #[test]
    fn the_61_keys_are_every_note_from_c2_to_c7_once() {
        let mut keys: Vec<u8> = WHITE.chars().chain(SHARP.chars()).filter_map(key).collect();
        keys.sort_unstable();
        assert_eq!(keys, (36..=96).collect::<Vec<u8>>());
    }

    #[test]
    fn shift_on_a_key_without_a_sharp_is_no_key() {
        for character in ['#', '&', ')', 'R', 'U', 'A', 'F', 'K', 'X', 'N', 'M'] {
            assert_eq!(key(character), None, "{character}");
        }
        for character in [' ', '[', '|', '-', 'é', '\u{1F3B9}'] {
            assert_eq!(key(character), None, "{character}");
        }
    }
}
