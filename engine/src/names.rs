//! Text players show to each other: names, room names and chat, normalised so that what looks
//! the same is the same.
//!
//! The shared rules in `pianorhythm_core::validation` (length, control characters) run in the
//! browser too; the Unicode tables needed here would only make the client bigger, so these
//! rules are the server's. Text is NFC-normalised, names refuse invisible format characters
//! (Unicode category Cf: zero-width spaces, bidi overrides), and so do the reasons staff read
//! (reports, bans); room names are compared by
//! their confusable skeleton (UTS #39), so "Lobby" spelt with a Cyrillic "о" is the Lobby.

use pianorhythm_core::{
    protocol::Instrument,
    validation::{self, Invalid},
};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_security::{
    general_security_profile::IdentifierType, skeleton, GeneralSecurityProfile,
};

/// Format characters (category Cf: zero-width joiners, bidi overrides, ...) and the other
/// characters Unicode says to draw as nothing (Hangul fillers, variation selectors, ...).
fn is_invisible(c: char) -> bool {
    c.general_category() == GeneralCategory::Format
        || c.identifier_type() == Some(IdentifierType::Default_Ignorable)
}

fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Refuses names that carry invisible characters, or that are nothing but marks.
fn visible(name: String, what: &str) -> Result<String, Invalid> {
    if name.chars().any(is_invisible) {
        return Err(Invalid(format!(
            "{what} cannot contain invisible or direction-changing characters"
        )));
    }
    if name
        .chars()
        .all(|c| is_combining_mark(c) || c.is_whitespace())
    {
        return Err(Invalid(format!("{what} needs at least one visible letter")));
    }
    Ok(name)
}

/// A player's display name.
pub fn player_name(name: &str) -> Result<String, Invalid> {
    visible(validation::player_name(&nfc(name))?, "name")
}

/// A SoundFont preset as rooms may show it: in range, its name (shown beside its player) a
/// visible one like any other name. A choice made now and one kept from an earlier visit pass
/// the same rules.
pub fn instrument(instrument: &Instrument) -> Result<Instrument, Invalid> {
    let (bank, program, name) =
        validation::instrument(instrument.bank, instrument.program, &instrument.name)?;
    Ok(Instrument {
        bank,
        program,
        name: visible(nfc(&name), "instrument name")?,
    })
}

/// A room's name (its identity among live rooms is [`room_key`]).
pub fn room_name(name: &str) -> Result<String, Invalid> {
    visible(validation::room_name(&nfc(name))?, "room name")
}

/// Chat: normalised; invisible characters are harmless inside a sentence, so they stay.
pub fn chat_text(text: &str) -> Result<String, Invalid> {
    validation::chat_text(&nfc(text))
}

/// A direct message: the chat's rules, longer.
pub fn direct_message(text: &str) -> Result<String, Invalid> {
    validation::direct_message(&nfc(text))
}

/// Why a player reports another, as staff will read it: invisible characters are refused
/// too, since they could make the reason read differently from what was stored.
pub fn report_reason(text: &str) -> Result<String, Invalid> {
    visible(validation::report_reason(&nfc(text))?, "reason")
}

/// Why a moderator banned an account: like a report's reason, but it may be left empty.
pub fn ban_reason(text: &str) -> Result<String, Invalid> {
    let reason = validation::ban_reason(&nfc(text))?;
    match reason.is_empty() {
        true => Ok(reason),
        false => visible(reason, "reason"),
    }
}

/// What makes two room names the same room: case and look-alike letters are ignored.
pub fn room_key(name: &str) -> String {
    let folded: String = nfc(name).to_lowercase();
    skeleton(&folded).collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_refuse_invisible_and_control_characters_and_keep_the_rest() {
        assert_eq!(report_reason(" cafe\u{301} spam "), Ok("café spam".into()));
        assert!(report_reason("abc\u{202E}fed").is_err());
        assert!(report_reason("zero\u{200B}width").is_err());
        assert!(report_reason("bell\u{7}").is_err());
        assert!(report_reason(&"x".repeat(501)).is_err());
        assert_eq!(ban_reason(""), Ok(String::new()));
        assert!(ban_reason("\u{2066}").is_err());
    }

    #[test]
    fn invisible_and_bidi_characters_are_refused_in_names() {
        for name in [
            "\u{200B}\u{200B}",
            "\u{202E}\u{200D}\u{2066}",
            "Bob\u{200B}",
            "a\u{202E}b",
            "\u{2060}x",
            "\u{FEFF}Lobby",
            "\u{0301}\u{0301}",
        ] {
            assert!(player_name(name).is_err(), "{name:?}");
            assert!(room_name(name).is_err(), "{name:?}");
        }
        assert_eq!(player_name(" Zoë ").unwrap(), "Zoë");
        assert_eq!(room_name("日本の部屋").unwrap(), "日本の部屋");
    }

    #[test]
    fn instruments_are_in_range_with_a_visible_name() {
        let preset = |bank, program, name: &str| Instrument {
            bank,
            program,
            name: name.into(),
        };
        let flute = instrument(&preset(0, 73, " Flute ")).unwrap();
        assert_eq!(flute, preset(0, 73, "Flute"));
        for bad in [
            preset(129, 0, "Kit"),
            preset(0, 128, "Flute"),
            preset(0, 73, ""),
            preset(0, 73, "Flu\u{202E}te"),
            preset(0, 73, &"x".repeat(41)),
        ] {
            assert!(instrument(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn text_is_nfc_normalised() {
        let decomposed = "Zoe\u{0308}";
        assert_eq!(player_name(decomposed).unwrap(), "Zoë");
        assert_eq!(chat_text(decomposed).unwrap(), "Zoë");
        assert_eq!(room_key("Zoe\u{0308}"), room_key("ZOË"));
    }

    #[test]
    fn look_alike_room_names_share_a_key() {
        assert_eq!(room_key("Lobby"), room_key("L\u{043E}bby"));
        assert_eq!(room_key("Lobby"), room_key("LOBBY"));
        assert_eq!(room_key("paypal"), room_key("p\u{0430}yp\u{0430}l"));
        assert_ne!(room_key("Lobby"), room_key("Hobby"));
    }
}
