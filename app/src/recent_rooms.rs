//! The rooms a player was in lately, remembered in this browser (`localStorage`) as they come
//! back to the lobby from them: the lobby lists them first.

/// Where the names are kept, one per line (a room's name holds no line break).
#[cfg(feature = "hydrate")]
const REMEMBERED: &str = "pianorhythm.recent-rooms";
/// Rooms remembered at most.
#[cfg(any(feature = "hydrate", test))]
const KEPT: usize = 5;

/// The player was in the room `name` just now.
pub fn remember(name: &str) {
    #[cfg(feature = "hydrate")]
    {
        let list = crate::browser::storage::get(REMEMBERED).unwrap_or_default();
        crate::browser::storage::set(REMEMBERED, &with_visit(&list, name));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = name;
}

/// The rooms remembered, most recent first (none on the server).
pub fn recent() -> Vec<String> {
    #[cfg(feature = "hydrate")]
    let list = crate::browser::storage::get(REMEMBERED).unwrap_or_default();
    #[cfg(not(feature = "hydrate"))]
    let list = String::new();
    list.lines().map(str::to_owned).collect()
}

/// `list` with `name` first, once (whatever its case), and at most [`KEPT`] names.
#[cfg(any(feature = "hydrate", test))]
fn with_visit(list: &str, name: &str) -> String {
    let others = list
        .lines()
        .filter(|kept| !kept.eq_ignore_ascii_case(name) && !kept.is_empty());
    std::iter::once(name)
        .chain(others)
        .take(KEPT)
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::with_visit;

    #[test]
    fn a_visit_moves_the_room_first_once_and_the_oldest_go() {
        assert_eq!(with_visit("", "Jazz"), "Jazz");
        assert_eq!(with_visit("Lobby\njazz\nRock", "Jazz"), "Jazz\nLobby\nRock");
        let full = "a\nb\nc\nd\ne";
        assert_eq!(with_visit(full, "f"), "f\na\nb\nc\nd");
    }
}
