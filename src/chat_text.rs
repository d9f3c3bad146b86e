//! How a chat line reads: its web links, whom it mentions, and when two names are the same
//! name. Pure text rules, so the page that shows a line and the commands that name a player
//! agree, and the tests check them without a browser.
//!
//! Names compare as people read them: the case of Latin letters and runs of spaces do not
//! count ("ana  BELL" is "Ana Bell"). Unicode's case and look-alike tables (`engine::names`)
//! are too large for the page, whose room view shows every line through these rules; other
//! letters compare as they are.

/// A piece of a chat line as it is shown: plain text, or a web link shown as its own text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Shown as it is, as text.
    Text(&'a str),
    /// An `http://` or `https://` address, opened only when clicked.
    Link(&'a str),
}

/// The schemes a link may have: never any other (no `javascript:`, no `data:`).
const SCHEMES: [&str; 2] = ["https://", "http://"];

/// Punctuation that ends a sentence rather than an address: "see https://x.org." links the
/// address without the full stop.
const TRAILING: [char; 9] = ['.', ',', ';', ':', '!', '?', '\'', '"', ')'];

/// `text` cut into plain text and links. Every byte of `text` is in exactly one piece, in order.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some((start, scheme)) = link_start(rest) {
        let from = &rest[start..];
        let end = from.find(char::is_whitespace).unwrap_or(from.len());
        let link = trim_trailing(&from[..end]);
        // "http://" alone, or followed only by punctuation, is no address.
        let (shown, link_len) = if link.len() > scheme.len() {
            (Piece::Link(link), link.len())
        } else {
            (Piece::Text(&from[..end]), end)
        };
        if start > 0 {
            pieces.push(Piece::Text(&rest[..start]));
        }
        pieces.push(shown);
        rest = &from[link_len..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

/// Where the first link of `text` starts, and its scheme: a scheme at the start of a word.
fn link_start(text: &str) -> Option<(usize, &'static str)> {
    text.char_indices().find_map(|(at, _)| {
        let scheme = SCHEMES
            .iter()
            .find(|scheme| text[at..].starts_with(**scheme))?;
        (!in_word(text[..at].chars().next_back())).then_some((at, *scheme))
    })
}

/// Whether `c` (none: the text's start or end) continues a word. Letters beyond ASCII all do,
/// without Unicode's tables.
fn in_word(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || !(c.is_ascii() || c.is_whitespace()))
}

/// An address without the punctuation after it; a closing parenthesis stays when the address
/// opened one (as Wikipedia's do).
fn trim_trailing(mut link: &str) -> &str {
    while let Some(last) = link.chars().next_back().filter(|c| TRAILING.contains(c)) {
        if last == ')' && link.matches('(').count() >= link.matches(')').count() {
            break;
        }
        link = &link[..link.len() - 1];
    }
    link
}

/// A name as it is compared: Latin letters in lower case, words separated by one space.
fn name_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    let mut space = false;
    for c in name.trim().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if std::mem::take(&mut space) {
            key.push(' ');
        }
        key.push(c.to_ascii_lowercase());
    }
    key
}

/// Whether two names are the same name as people read them.
pub fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

/// Whether `text` mentions the player called `name`: "@" at a word's start then the name, not
/// followed by more of a word ("@ana" mentions Ana; "@anabel" and "ana@x.org" do not).
pub fn mentions(text: &str, name: &str) -> bool {
    let name = name_key(name);
    let text = name_key(text);
    !name.is_empty()
        && text.char_indices().any(|(at, c)| {
            let rest = &text[at + c.len_utf8()..];
            c == '@'
                && !in_word(text[..at].chars().next_back())
                && rest.starts_with(&name)
                && !in_word(rest[name.len()..].chars().next())
        })
}

/// The usertags a line names with "@" at a word's start ("hi @ana and @bo.k!" names "ana"
/// and "bo.k"), each once, the first `limit`: the members it may mention wherever they are.
pub fn mentioned_tags(text: &str, limit: usize) -> Vec<&str> {
    let mut tags: Vec<&str> = Vec::new();
    for (at, _) in text.match_indices('@') {
        if tags.len() == limit {
            break;
        }
        if in_word(text[..at].chars().next_back()) {
            continue;
        }
        let rest = &text[at + 1..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(rest.len());
        let tag = rest[..end].trim_end_matches('.');
        if !tag.is_empty() && !tags.iter().any(|known| known.eq_ignore_ascii_case(tag)) {
            tags.push(tag);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use Piece::{Link, Text};

    #[test]
    fn links_are_cut_out_of_the_text_without_trailing_punctuation() {
        assert_eq!(
            pieces("see https://example.org/a?b=1, then"),
            [
                Text("see "),
                Link("https://example.org/a?b=1"),
                Text(", then")
            ]
        );
        assert_eq!(pieces("http://x.y."), [Link("http://x.y"), Text(".")]);
        assert_eq!(
            pieces("(https://en.wikipedia.org/wiki/Piano_(disambiguation))"),
            [
                Text("("),
                Link("https://en.wikipedia.org/wiki/Piano_(disambiguation)"),
                Text(")")
            ]
        );
        assert_eq!(
            pieces("a http://one b https://two"),
            [
                Text("a "),
                Link("http://one"),
                Text(" b "),
                Link("https://two")
            ]
        );
    }

    #[test]
    fn only_web_addresses_at_a_word_start_are_links() {
        for text in [
            "plain words",
            "javascript:alert(1)",
            "data:text/html,<b>x</b>",
            "ftp://files.example.org",
            "xhttps://example.org",
            "<a href=\"x\">markup stays text</a>",
            "",
        ] {
            assert!(
                pieces(text).iter().all(|piece| matches!(piece, Text(_))),
                "{text:?}"
            );
            assert_eq!(pieces(text).len(), usize::from(!text.is_empty()));
        }
        assert_eq!(pieces("https://"), [Text("https://")]);
        assert_eq!(pieces("http://!"), [Text("http://!")]);
        assert_eq!(
            pieces("<https://a.b/\"onclick>"),
            [Text("<"), Link("https://a.b/\"onclick>")]
        );
    }

    #[test]
    fn every_byte_is_in_one_piece() {
        for text in [
            "https://a.b https://c.d.",
            "é https://é.example/ü ü",
            "http://",
        ] {
            let joined: String = pieces(text)
                .iter()
                .map(|piece| match piece {
                    Text(text) | Link(text) => *text,
                })
                .collect();
            assert_eq!(joined, text);
        }
    }

    #[test]
    fn names_compare_without_case_or_extra_spaces() {
        assert!(same_name("Ana Bell", "  ana   BELL "));
        assert!(same_name("Zoë", "ZOë"));
        assert!(!same_name("Ana", "Anna"));
        assert!(!same_name("Ana Bell", "AnaBell"));
    }

    #[test]
    fn a_mention_is_at_then_the_whole_name() {
        assert!(mentions("hi @ana!", "Ana"));
        assert!(mentions("@GUEST  1234 look", "Guest 1234"));
        assert!(mentions("@zoë", "ZOë"));
        assert!(!mentions("@zoëy", "zoë"));
        assert!(!mentions("hi ana", "Ana"));
        assert!(!mentions("hi @anabel", "Ana"));
        assert!(!mentions("mail ana@x.org", "x"));
        assert!(mentions("(@x)", "x"));
        assert!(!mentions("@", ""));
    }

    #[test]
    fn mentioned_tags_are_the_words_after_an_at_sign() {
        assert_eq!(
            mentioned_tags("hi @ana and @bo.k! mail me at x@y.org, @ANA", 5),
            ["ana", "bo.k"],
            "once each, ignoring case; an address mentions no one"
        );
        assert_eq!(mentioned_tags("@a @b @c", 2), ["a", "b"]);
        assert!(mentioned_tags("@ @. @!", 5).is_empty());
    }
}
