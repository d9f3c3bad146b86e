//! Chat commands: what a chat line starting with "/" asks for. The page runs them; of them,
//! only `/me` travels to the room, as the chat text "/me <action>" (so pages that know no
//! commands still read it), and the server refuses any other line starting with "/", so the
//! rule holds whatever the client.
//!
//! A new command is a variant of [`Command`], its arm in [`parse`] and its line in [`HELP`].

use crate::{chat_text::same_name, domain::ban::MAX_BAN, validation::Invalid};

/// A command a player typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command<'a> {
    /// `/help`: the commands, shown to the player alone.
    Help,
    /// `/me <action>`: shown to everyone as "* name action".
    Me(&'a str),
    /// `/nick <name>`: the player's new name.
    Nick(&'a str),
    /// `/mute <name> [minutes]`: silences a player's chat in the room.
    Mute(Mute<'a>),
    /// `/clear`: empties the player's own view of the chat.
    Clear,
    /// `/block <name>`: the player hears and reads nothing more of that player.
    Block(&'a str),
    /// `/msg <usertag> <text>`: a direct message to a member, wherever they are.
    Msg {
        /// Whom, by usertag ("@" before it is allowed).
        usertag: &'a str,
        /// What.
        text: &'a str,
    },
}

/// Every command as `/help` lists it: how it is typed, and what it does.
pub const HELP: [(&str, &str); 7] = [
    ("/help", "lists these commands"),
    ("/me <action>", "shows everyone \"* your-name action\""),
    ("/nick <name>", "changes your name"),
    (
        "/mute <name> [minutes]",
        "silences a player's chat here (owners and staff; 10 minutes unless told)",
    ),
    ("/clear", "empties your own view of the chat"),
    (
        "/block <name>",
        "you no longer hear or read that player (Settings lists whom you block)",
    ),
    (
        "/msg <usertag> <text>",
        "sends a member a direct message (members)",
    ),
];

/// How long `/mute` silences a player when no minutes are given.
pub const DEFAULT_MUTE_MINUTES: u32 = 10;

/// The longest mute, in minutes: as long as the longest ban.
const MAX_MUTE_MINUTES: u64 = MAX_BAN.as_secs() / 60;

/// The command in `text`, or why it is not one; `None` for a line that is no command (one not
/// starting with "/"), which is sent as it is.
pub fn parse(text: &str) -> Option<Result<Command<'_>, Invalid>> {
    let (name, rest) = split(text)?;
    let command = match name.to_ascii_lowercase().as_str() {
        "help" => Ok(Command::Help),
        "me" => required(rest, "/me").map(Command::Me),
        "nick" => required(rest, "/nick").map(Command::Nick),
        "mute" => required(rest, "/mute").map(|words| Command::Mute(Mute { words })),
        "clear" => Ok(Command::Clear),
        "block" => required(rest, "/block").map(Command::Block),
        "msg" => message(rest),
        _ => Err(Invalid(format!(
            "Unknown command /{name} — /help lists them"
        ))),
    };
    Some(command)
}

/// The action of a `/me` line, which pages show as "* name action"; `None` for any other line.
pub fn action(text: &str) -> Option<&str> {
    let (name, rest) = split(text)?;
    (name.eq_ignore_ascii_case("me") && !rest.is_empty()).then_some(rest)
}

/// Whether a chat line may go to the room: any line but a command, and `/me <action>`. The
/// server checks every line so; the page runs the other commands itself.
pub fn sendable(text: &str) -> Result<(), Invalid> {
    match parse(text) {
        None | Some(Ok(Command::Me(_))) => Ok(()),
        Some(Ok(_)) => Err(Invalid(format!(
            "{} is run by your page, not sent to the room",
            text.split_whitespace().next().unwrap_or(text)
        ))),
        Some(Err(why)) => Err(why),
    }
}

/// A command's name (after the "/") and the rest of the line, trimmed.
fn split(text: &str) -> Option<(&str, &str)> {
    let line = text.trim().strip_prefix('/')?;
    let end = line.find(char::is_whitespace).unwrap_or(line.len());
    Some((&line[..end], line[end..].trim()))
}

/// A command's argument, or how the command is typed.
fn required<'a>(rest: &'a str, command: &str) -> Result<&'a str, Invalid> {
    match rest.is_empty() {
        false => Ok(rest),
        true => Err(usage(command)),
    }
}

/// How a command is typed, as its line in [`HELP`] says.
fn usage(command: &str) -> Invalid {
    let typed = HELP
        .iter()
        .find(|(typed, _)| typed.split(' ').next() == Some(command))
        .map_or(command, |(typed, _)| typed);
    Invalid(format!("Usage: {typed}"))
}

/// `/msg`'s usertag and text, both needed.
fn message(rest: &str) -> Result<Command<'_>, Invalid> {
    let (usertag, text) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    match (usertag.trim_start_matches('@'), text.trim()) {
        ("", _) | (_, "") => Err(usage("/msg")),
        (usertag, text) => Ok(Command::Msg { usertag, text }),
    }
}

/// What follows `/mute`: a player's name, perhaps then minutes. A name may end in a number
/// ("Guest 1234"), so which it is depends on who is in the room: see [`Mute::resolve`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mute<'a> {
    /// The words after `/mute`.
    words: &'a str,
}

impl Mute<'_> {
    /// Whom to mute among `names` (the room's players, in order) and for how many seconds.
    /// The whole of the words naming a player wins; otherwise the last word is the minutes.
    /// A name two players share, or no player's, is refused, saying so.
    pub fn resolve<'n>(
        &self,
        names: impl IntoIterator<Item = &'n str> + Clone,
    ) -> Result<(usize, u32), Invalid> {
        let named = |name: &str| players_named(names.clone(), name);
        let whole = named(self.words);
        let split = self
            .words
            .rsplit_once(char::is_whitespace)
            .filter(|(_, last)| last.chars().all(|c| c.is_ascii_digit()));
        let (name, minutes, players) = match split {
            Some((name, minutes)) if whole.is_empty() => (name.trim(), minutes, named(name)),
            _ => (self.words, "", whole),
        };
        Ok((one_player(&players, name, "mute")?, mute_seconds(minutes)?))
    }
}

/// The player named `name` among `names` (the room's players, in order), for `doing` (e.g.
/// "block"); a name two players share, or no player's, is refused, saying so.
pub fn player_named<'n>(
    names: impl IntoIterator<Item = &'n str>,
    name: &str,
    doing: &str,
) -> Result<usize, Invalid> {
    one_player(&players_named(names, name), name, doing)
}

fn players_named<'n>(names: impl IntoIterator<Item = &'n str>, name: &str) -> Vec<usize> {
    names
        .into_iter()
        .enumerate()
        .filter(|(_, player)| same_name(player, name))
        .map(|(index, _)| index)
        .collect()
}

fn one_player(players: &[usize], name: &str, doing: &str) -> Result<usize, Invalid> {
    match players {
        [index] => Ok(*index),
        [] => Err(Invalid(format!("No player here is named {name}"))),
        several => Err(Invalid(format!(
            "{} players here are named {name}: {doing} one from the player list",
            several.len()
        ))),
    }
}

/// A mute's length in seconds from its minutes as typed (none: the default).
fn mute_seconds(minutes: &str) -> Result<u32, Invalid> {
    if minutes.is_empty() {
        return Ok(DEFAULT_MUTE_MINUTES * 60);
    }
    match minutes.parse::<u64>() {
        Ok(minutes @ 1..=MAX_MUTE_MINUTES) => Ok((minutes * 60) as u32),
        _ => Err(Invalid(format!(
            "A mute lasts 1 to {MAX_MUTE_MINUTES} minutes"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse(text).unwrap().unwrap_err().0
    }

    #[test]
    fn commands_are_read_with_their_arguments() {
        assert_eq!(parse("/help"), Some(Ok(Command::Help)));
        assert_eq!(parse("  /HELP  "), Some(Ok(Command::Help)));
        assert_eq!(
            parse("/me waves  hello"),
            Some(Ok(Command::Me("waves  hello")))
        );
        assert_eq!(
            parse("/nick  Ana Bell "),
            Some(Ok(Command::Nick("Ana Bell")))
        );
        assert_eq!(parse("/clear"), Some(Ok(Command::Clear)));
        assert_eq!(
            parse("/msg @ana  see you  at eight"),
            Some(Ok(Command::Msg {
                usertag: "ana",
                text: "see you  at eight"
            }))
        );
        assert_eq!(error("/msg ana"), "Usage: /msg <usertag> <text>");
        assert_eq!(error("/msg"), "Usage: /msg <usertag> <text>");
        assert!(matches!(parse("/mute Bob 5"), Some(Ok(Command::Mute(_)))));
        assert_eq!(parse("hello /me"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn unknown_commands_and_missing_arguments_say_what_to_do() {
        assert_eq!(error("/x"), "Unknown command /x — /help lists them");
        assert_eq!(
            error("/meow hi"),
            "Unknown command /meow — /help lists them"
        );
        assert_eq!(error("/"), "Unknown command / — /help lists them");
        assert_eq!(
            error("/whisper Bob hi"),
            "Unknown command /whisper — /help lists them"
        );
        assert_eq!(error("/me"), "Usage: /me <action>");
        assert_eq!(error("/nick   "), "Usage: /nick <name>");
        assert_eq!(error("/mute"), "Usage: /mute <name> [minutes]");
        assert_eq!(error("/block "), "Usage: /block <name>");
    }

    #[test]
    fn block_names_one_player_of_the_room() {
        assert_eq!(
            parse("/block  Troll 9 "),
            Some(Ok(Command::Block("Troll 9")))
        );
        let names = ["Ana", "troll 9", "Bo", "bo"];
        assert_eq!(player_named(names, "TROLL  9", "block").unwrap(), 1);
        assert_eq!(
            player_named(names, "Zed", "block").unwrap_err().0,
            "No player here is named Zed"
        );
        assert_eq!(
            player_named(names, "bo", "block").unwrap_err().0,
            "2 players here are named bo: block one from the player list"
        );
    }

    #[test]
    fn help_lists_every_command() {
        for (typed, _) in HELP {
            let command = typed.split(' ').next().unwrap();
            let example = typed.replace(['<', '>', '[', ']'], "");
            assert!(parse(&example).unwrap().is_ok(), "{command}");
        }
    }

    #[test]
    fn only_me_lines_and_plain_text_go_to_the_room() {
        assert_eq!(action("/me waves"), Some("waves"));
        assert_eq!(action("/ME  bows "), Some("bows"));
        assert_eq!(action("/me"), None);
        assert_eq!(action("/meow"), None);
        assert_eq!(action("me waves"), None);
        assert!(sendable("hello").is_ok());
        assert!(sendable("/me waves").is_ok());
        assert_eq!(
            sendable("/x").unwrap_err().0,
            "Unknown command /x — /help lists them"
        );
        assert_eq!(
            sendable("/help").unwrap_err().0,
            "/help is run by your page, not sent to the room"
        );
        assert!(sendable("/me").is_err());
        assert!(sendable("/clear").is_err());
    }

    fn mute(words: &str, names: &[&str]) -> Result<(usize, u32), Invalid> {
        Mute { words }.resolve(names.iter().copied())
    }

    #[test]
    fn mute_names_a_player_as_people_read_names() {
        let room = ["Ana", "Guest 1234", "Bob", "bob", "Carl 5"];
        assert_eq!(mute("ana", &room), Ok((0, 600)));
        assert_eq!(mute("ANA 3", &room), Ok((0, 180)));
        // A name ending in a number: the whole name first, then minutes after it.
        assert_eq!(mute("guest 1234", &room), Ok((1, 600)));
        assert_eq!(mute("Guest  1234 2", &room), Ok((1, 120)));
        assert_eq!(mute("Carl 5", &room), Ok((4, 600)));
        assert_eq!(
            mute("Bob", &room).unwrap_err().0,
            "2 players here are named Bob: mute one from the player list"
        );
        assert_eq!(
            mute("Dora 5", &room).unwrap_err().0,
            "No player here is named Dora"
        );
        assert_eq!(
            mute("Zed", &room).unwrap_err().0,
            "No player here is named Zed"
        );
    }

    #[test]
    fn mute_minutes_are_bounded() {
        let room = ["Ana"];
        assert_eq!(
            mute("Ana 0", &room).unwrap_err().0,
            "A mute lasts 1 to 5260320 minutes"
        );
        assert!(mute("Ana 5260321", &room).is_err());
        assert!(mute("Ana 99999999999999999999", &room).is_err());
        assert_eq!(mute("Ana 5260320", &room), Ok((0, 315_619_200)));
    }
}
