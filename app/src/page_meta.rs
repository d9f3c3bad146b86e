//! Each page's title, and what search engines and a shared link's preview read of it (its
//! description and Open Graph tags), rendered by the server into the document's head from the
//! page's address (`shell`). The browser's code carries none of it: a page's first visit must
//! stay within its budget of code, and a tab keeps the title of the page it was opened on.

use leptos::prelude::*;

/// The site's name, after every page's own.
const SITE: &str = "PianoRhythm";

/// The title, description and link preview of the page at `path`, for the document's head.
pub fn head_tags(path: &str) -> impl IntoView {
    use leptos::{
        html::{meta, title},
        tachys::html::attribute::custom::CustomAttribute,
    };
    // As the element's own text: a child view would mark its place with a comment, which a
    // `<title>` shows as text.
    let text = format!("{} · {SITE}", title_of(path));
    let page = title().inner_html(escaped(&text));
    let (preview, description) = preview_of(path);
    let open_graph = |property: &'static str, content: String| {
        meta().attr("property", property).content(content)
    };
    (
        page,
        meta().name("description").content(description),
        open_graph("og:type", "website".into()),
        open_graph("og:site_name", SITE.into()),
        open_graph("og:title", preview),
        open_graph("og:description", description.into()),
        open_graph("og:image", "/preview.png".into()),
        meta().name("twitter:card").content("summary_large_image"),
    )
}

/// The page's own title, before the site's name.
fn title_of(path: &str) -> String {
    let mut segments = path.trim_matches('/').split('/');
    let (first, second) = (segments.next().unwrap_or_default(), segments.next());
    let title = match (first, second, segments.next()) {
        ("", None, _) => "Play piano together online",
        ("room", Some(name), None) => return percent_decoded(name),
        ("user", Some(usertag), None) => return format!("@{}", percent_decoded(usertag)),
        ("sheets", None, _) | ("sheets", Some(_), None) if second != Some("new") => "Sheet music",
        ("sheets", Some("new"), None) => "Upload a sheet",
        ("signin", None, _) => "Sign in",
        ("welcome", None, _) => "Welcome",
        ("profile", None, _) => "Your profile",
        ("settings", None, _) => "Settings",
        ("friends", None, _) => "Friends",
        ("messages", _, None) => "Messages",
        ("notifications", None, _) => "Notifications",
        ("moderation", None, _) => "Moderation",
        _ => "Page not found",
    };
    title.to_owned()
}

/// What a link to `path` shows: its title and description.
fn preview_of(path: &str) -> (String, &'static str) {
    let mut segments = path.trim_matches('/').split('/');
    let (first, second) = (segments.next().unwrap_or_default(), segments.next());
    let (title, description) = match (first, second) {
        ("room", Some(name)) => {
            let name = percent_decoded(name);
            return (
                format!("Play piano with me in {name}"),
                "Join the room and play piano together in real time on PianoRhythm.",
            );
        }
        ("", None) => (
            "PianoRhythm: play piano together online",
            "Join a room and play piano with others in real time, from a MIDI keyboard, the \
             computer keyboard or the mouse.",
        ),
        ("sheets", Some("new")) => (
            "Upload a sheet to PianoRhythm",
            "Share a Virtual Piano sheet or a MIDI file for others to practise and play.",
        ),
        ("sheets", Some(_)) => (
            "A sheet to play with me on PianoRhythm",
            "Practise this sheet, then play it in a room with others, in its rhythm.",
        ),
        ("sheets", None) => (
            "Sheet music on PianoRhythm",
            "Sheet music to practise and to play with others: Virtual Piano sheets and MIDI \
             files, shared by players.",
        ),
        ("user", Some(_)) => (
            "A player on PianoRhythm",
            "A player's profile on PianoRhythm: who they are and where they play.",
        ),
        _ => (
            SITE,
            "An open, multiplayer online piano: play together in real time.",
        ),
    };
    (title.to_owned(), description)
}

/// `text` with the characters that would be markup escaped.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A path segment as it was before it was put in an address ("Jazz%20Club": "Jazz Club").
fn percent_decoded(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let hex = bytes
            .get(at + 1..at + 3)
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (bytes[at], hex) {
            (b'%', Some(byte)) => {
                decoded.push(byte);
                at += 3;
            }
            (byte, _) => {
                decoded.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rooms_link_invites_to_play_there_by_its_name() {
        let (title, _) = preview_of("/room/Jazz%20Club");
        assert_eq!(title, "Play piano with me in Jazz Club");
        assert_eq!(
            preview_of("/room/caf%C3%A9").0,
            "Play piano with me in café"
        );
        assert_eq!(preview_of("/room/100%").0, "Play piano with me in 100%");
        assert_eq!(
            escaped("<b>Tom & Jerry</b>"),
            "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"
        );
    }

    #[test]
    fn each_page_is_titled_by_its_address() {
        assert_eq!(title_of("/"), "Play piano together online");
        assert_eq!(title_of("/room/Jazz%20Club"), "Jazz Club");
        assert_eq!(title_of("/sheets"), "Sheet music");
        assert_eq!(title_of("/sheets/new"), "Upload a sheet");
        assert_eq!(title_of("/sheets/665f1d009b1e8a0012ab34d0"), "Sheet music");
        assert_eq!(title_of("/user/ada"), "@ada");
        assert_eq!(title_of("/messages/ada"), "Messages");
        assert_eq!(title_of("/sheets/a/b"), "Page not found");
        assert_eq!(title_of("/no/such/page"), "Page not found");
    }

    #[test]
    fn every_kind_of_page_has_its_own_preview() {
        let titles: Vec<String> = [
            "/",
            "/sheets",
            "/sheets/new",
            "/sheets/abc",
            "/user/ada",
            "/x",
        ]
        .iter()
        .map(|path| preview_of(path).0)
        .collect();
        let distinct: std::collections::HashSet<_> = titles.iter().collect();
        assert_eq!(distinct.len(), titles.len(), "{titles:?}");
    }
}
