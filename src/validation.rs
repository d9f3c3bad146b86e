//! The rules for what players may type: room names, chat, player names, colours.
//!
//! Each function returns the cleaned value or says what is wrong, in words fit for the player.
//! Text is treated as text everywhere: nothing here is ever turned into a pattern or a query.

use crate::rooms::{MAX_PLAYERS_LIMIT, MAX_ROOM_NAME_CHARS};

pub const MAX_CHAT_CHARS: usize = 500;
/// A direct message is longer than a room's line: it is read, not scrolled past.
pub const MAX_DIRECT_MESSAGE_CHARS: usize = 2_000;
pub const MAX_PLAYER_NAME_CHARS: usize = 40;
pub const MAX_WELCOME_MESSAGE_CHARS: usize = 500;
pub const MAX_PASSWORD_CHARS: usize = 100;
pub const MAX_INSTRUMENT_NAME_CHARS: usize = 40;
pub const MAX_REPORT_REASON_CHARS: usize = 500;
pub const MAX_BAN_REASON_CHARS: usize = 500;
/// The longest avatar address kept.
pub const MAX_AVATAR_URL_CHARS: usize = 500;
/// SoundFont banks: 0-127 for melodic presets, 128 for percussion kits.
pub const MAX_BANK: u32 = 128;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

/// Removes control characters (newlines included: every field here is one line) and trims.
pub fn clean_line(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_owned()
}

fn bounded(text: &str, what: &str, max_chars: usize) -> Result<String, Invalid> {
    let cleaned = clean_line(text);
    let length = cleaned.chars().count();
    if length == 0 {
        return Err(Invalid(format!("{what} cannot be empty")));
    }
    if length > max_chars {
        return Err(Invalid(format!(
            "{what} is {length} characters; the limit is {max_chars}"
        )));
    }
    Ok(cleaned)
}

pub fn room_name(name: &str) -> Result<String, Invalid> {
    bounded(name, "room name", MAX_ROOM_NAME_CHARS)
}

pub fn chat_text(text: &str) -> Result<String, Invalid> {
    bounded(text, "message", MAX_CHAT_CHARS)
}

/// A direct message: the chat's rules, up to [`MAX_DIRECT_MESSAGE_CHARS`].
pub fn direct_message(text: &str) -> Result<String, Invalid> {
    bounded(text, "message", MAX_DIRECT_MESSAGE_CHARS)
}

/// Text staff read and act on (a report's reason, a ban's): refused, not cleaned, when it has
/// control characters, so what is stored is what the writer saw. (The server also refuses
/// invisible ones: `pianorhythm_engine::names`.)
fn staff_text(
    text: &str,
    what: &str,
    min_chars: usize,
    max_chars: usize,
) -> Result<String, Invalid> {
    if text.chars().any(char::is_control) {
        return Err(Invalid(format!("{what} cannot contain control characters")));
    }
    let trimmed = text.trim();
    let length = trimmed.chars().count();
    if length < min_chars {
        return Err(Invalid(format!("{what} cannot be empty")));
    }
    if length > max_chars {
        return Err(Invalid(format!(
            "{what} is {length} characters; the limit is {max_chars}"
        )));
    }
    Ok(trimmed.to_owned())
}

/// Why a player reports another: 1 to 500 characters on one line.
pub fn report_reason(text: &str) -> Result<String, Invalid> {
    staff_text(text, "reason", 1, MAX_REPORT_REASON_CHARS)
}

/// Why a moderator bans an account from the site: up to 500 characters, maybe none.
pub fn ban_reason(text: &str) -> Result<String, Invalid> {
    staff_text(text, "reason", 0, MAX_BAN_REASON_CHARS)
}

pub fn player_name(name: &str) -> Result<String, Invalid> {
    bounded(name, "name", MAX_PLAYER_NAME_CHARS)
}

/// A SoundFont preset a player plays with: its name cleaned, bank and program in range.
pub fn instrument(bank: u32, program: u32, name: &str) -> Result<(u32, u32, String), Invalid> {
    if bank > MAX_BANK {
        return Err(Invalid(format!(
            "bank {bank} does not exist; banks are 0-{MAX_BANK}"
        )));
    }
    if program > 127 {
        return Err(Invalid(format!(
            "program {program} does not exist; programs are 0-127"
        )));
    }
    Ok((
        bank,
        program,
        bounded(name, "instrument name", MAX_INSTRUMENT_NAME_CHARS)?,
    ))
}

/// Welcome messages may be empty (no welcome).
pub fn welcome_message(text: &str) -> Result<String, Invalid> {
    let cleaned = clean_line(text);
    if cleaned.chars().count() > MAX_WELCOME_MESSAGE_CHARS {
        return Err(Invalid(format!(
            "welcome message is over {MAX_WELCOME_MESSAGE_CHARS} characters"
        )));
    }
    Ok(cleaned)
}

/// Passwords are kept exactly as typed (no trimming); empty means "no password".
pub fn password(password: &str) -> Result<Option<String>, Invalid> {
    match password.chars().count() {
        0 => Ok(None),
        n if n > MAX_PASSWORD_CHARS => Err(Invalid(format!(
            "password is over {MAX_PASSWORD_CHARS} characters"
        ))),
        _ => Ok(Some(password.to_owned())),
    }
}

pub fn max_players(value: u32) -> Result<u32, Invalid> {
    if (1..=MAX_PLAYERS_LIMIT).contains(&value) {
        Ok(value)
    } else {
        Err(Invalid(format!(
            "max players must be between 1 and {MAX_PLAYERS_LIMIT}"
        )))
    }
}

/// A colour as `#rrggbb`, returned in lower case.
pub fn color(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    let valid = value.len() == 7
        && value.starts_with('#')
        && value[1..].chars().all(|c| c.is_ascii_hexdigit());
    if valid {
        Ok(value.to_ascii_lowercase())
    } else {
        Err(Invalid(format!(
            "colour {value:?} is not of the form #rrggbb"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_is_trimmed_and_stripped_of_control_characters() {
        assert_eq!(chat_text("  hi\u{0007} there\n ").unwrap(), "hi there");
        assert!(chat_text(" \n\t ").is_err());
        assert!(chat_text(&"é".repeat(500)).is_ok());
        assert!(chat_text(&"é".repeat(501)).is_err());
    }

    #[test]
    fn room_names_are_one_to_fifty_characters() {
        assert_eq!(room_name(" Jazz ").unwrap(), "Jazz");
        assert!(room_name("").is_err());
        assert!(room_name(&"a".repeat(50)).is_ok());
        assert!(room_name(&"a".repeat(51)).is_err());
    }

    #[test]
    fn regex_metacharacters_are_just_text() {
        assert_eq!(room_name("(.*)+$").unwrap(), "(.*)+$");
    }

    #[test]
    fn colours_must_be_hex_triplets() {
        assert_eq!(color("#A1b2C3").unwrap(), "#a1b2c3");
        for bad in ["a1b2c3", "#a1b2c", "#ggggggg", "#12345z", "red"] {
            assert!(color(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn max_players_is_bounded() {
        assert!(max_players(0).is_err());
        assert_eq!(max_players(1), Ok(1));
        assert_eq!(max_players(50), Ok(50));
        assert!(max_players(51).is_err());
    }

    #[test]
    fn empty_password_means_none() {
        assert_eq!(password(""), Ok(None));
        assert_eq!(password(" a "), Ok(Some(" a ".to_owned())));
        assert!(password(&"x".repeat(101)).is_err());
    }

    #[test]
    fn instruments_are_general_midi_presets_with_a_short_name() {
        assert_eq!(
            instrument(0, 80, " Lead 1\n(square) "),
            Ok((0, 80, "Lead 1(square)".into()))
        );
        assert!(instrument(128, 0, "Standard Kit").is_ok());
        assert!(instrument(129, 0, "Kit").is_err());
        assert!(instrument(0, 128, "Piano").is_err());
        assert!(instrument(0, 0, " \t").is_err());
        assert!(instrument(0, 0, &"x".repeat(41)).is_err());
    }

    #[test]
    fn report_reasons_are_refused_rather_than_cleaned() {
        assert_eq!(
            report_reason("  spamming the lobby "),
            Ok("spamming the lobby".into())
        );
        assert_eq!(report_reason(&"é".repeat(500)), Ok("é".repeat(500)));
        assert!(report_reason(&"x".repeat(501)).is_err());
        assert!(report_reason("   ").is_err());
        assert!(report_reason("line\nbreak").is_err());
        assert!(report_reason("bell\u{7}").is_err());
        assert_eq!(ban_reason(""), Ok(String::new()));
        assert!(ban_reason(&"x".repeat(501)).is_err());
    }
}

/// Where avatars may come from: `https` addresses on hosts the operator allows
/// (`AVATAR_HOSTS`), which the pages' Content Security Policy names, so no page loads an image
/// from anywhere else and an avatar cannot be used to track who looks at it from any host.
pub mod avatar {
    /// The host of an `https` address fit for an `<img>`: no user, no port, no character an
    /// address does not need; `None` for anything else.
    pub fn https_host(url: &str) -> Option<&str> {
        let rest = url.strip_prefix("https://")?;
        let host = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        let host_fits = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        let url_fits = url.len() <= super::MAX_AVATAR_URL_CHARS
            && url
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\"'<>\\`".contains(&b));
        (host_fits && url_fits).then_some(host)
    }

    /// Whether `url` is an avatar the pages may show: `https`, on one of `hosts`.
    pub fn allowed(url: &str, hosts: &[String]) -> bool {
        https_host(url).is_some_and(|host| hosts.iter().any(|h| h.eq_ignore_ascii_case(host)))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn only_https_on_an_allowed_host_passes() {
            let hosts = ["avatars.githubusercontent.com".to_owned()];
            let good = "https://avatars.githubusercontent.com/u/1?v=4";
            assert!(allowed(good, &hosts));
            assert!(allowed("https://AVATARS.githubusercontent.com/u/1", &hosts));
            for bad in [
                "http://avatars.githubusercontent.com/u/1",
                "https://evil.example/u/1",
                "https://avatars.githubusercontent.com.evil.example/x",
                "https://user@avatars.githubusercontent.com/x",
                "https://avatars.githubusercontent.com:8443/x",
                "https://avatars.githubusercontent.com/x\" onerror=\"alert(1)",
                "https://avatars.githubusercontent.com/a b",
                "javascript:alert(1)",
                "data:image/png;base64,AAAA",
                "https:///x",
            ] {
                assert!(!allowed(bad, &hosts), "{bad}");
            }
            assert!(!allowed(good, &[]), "no host allowed: no avatar");
            let long = format!("{good}&{}", "a".repeat(super::super::MAX_AVATAR_URL_CHARS));
            assert!(!allowed(&long, &hosts));
        }
    }
}
