//! Finding a room in the lobby's list: by name, in an order the player picks, full rooms
//! hidden or not. The permanent Lobby stays first whenever it is shown, then the rooms the
//! player was in lately, most recent first.

use pianorhythm_core::rooms::{busiest_first, by_name, lobby_first, RoomSummary};

/// The orders the list can take.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Order {
    /// The busiest first (the server's own order).
    #[default]
    Players,
    /// By name, ignoring case.
    Name,
    /// The most recently created first.
    Newest,
}

impl Order {
    /// Each order with its value in the form and its label.
    pub const ALL: [(Order, &'static str, &'static str); 3] = [
        (Order::Players, "players", "Players"),
        (Order::Name, "name", "Name"),
        (Order::Newest, "newest", "Newest"),
    ];

    /// The order a form value names (the default for anything else).
    pub fn from_value(value: &str) -> Self {
        Self::ALL
            .iter()
            .find(|(_, name, _)| *name == value)
            .map_or_else(Self::default, |(order, _, _)| *order)
    }
}

/// What the player asked of the list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Finder {
    /// Text the room's name must contain, ignoring case.
    pub query: String,
    /// How the rooms found are ordered.
    pub order: Order,
    /// Whether rooms without a free place are left out.
    pub hide_full: bool,
    /// The names of the rooms the player was in lately, most recent first.
    pub recent: Vec<String>,
}

/// The rooms `finder` asks for, in its order.
pub fn find(rooms: &[RoomSummary], finder: &Finder) -> Vec<RoomSummary> {
    let query = finder.query.trim().to_lowercase();
    let mut found: Vec<RoomSummary> = rooms
        .iter()
        .filter(|room| query.is_empty() || room.name.to_lowercase().contains(&query))
        .filter(|room| !(finder.hide_full && is_full(room)))
        .cloned()
        .collect();
    let recency = |room: &RoomSummary| {
        let names = &finder.recent;
        let recent = names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(&room.name));
        recent.unwrap_or(usize::MAX)
    };
    found.sort_by(|a, b| {
        lobby_first(a, b)
            .then(recency(a).cmp(&recency(b)))
            .then_with(|| match finder.order {
                Order::Players => busiest_first(a, b),
                Order::Name => by_name(a, b),
                Order::Newest => b.created_at.cmp(&a.created_at).then_with(|| by_name(a, b)),
            })
    });
    found
}

/// Whether no one else may enter (a room without a limit is never full).
pub fn is_full(room: &RoomSummary) -> bool {
    room.max_players > 0 && room.player_count >= room.max_players
}

#[cfg(test)]
mod tests {
    use pianorhythm_core::rooms::LOBBY_ROOM_ID;

    use super::*;

    fn room(id: &str, name: &str, players: u32, max: u32, created_at: i64) -> RoomSummary {
        RoomSummary {
            id: id.into(),
            name: name.into(),
            player_count: players,
            max_players: max,
            created_at,
            ..Default::default()
        }
    }

    fn names(rooms: &[RoomSummary]) -> Vec<&str> {
        rooms.iter().map(|room| room.name.as_str()).collect()
    }

    fn rooms() -> Vec<RoomSummary> {
        vec![
            room("b", "beta hall", 1, 8, 100),
            room(LOBBY_ROOM_ID, "Lobby", 3, 100, 0),
            room("a", "Alpha Hall", 1, 1, 200),
            room("g", "Gamma Hall", 2, 8, 300),
        ]
    }

    #[test]
    fn each_order_keeps_the_lobby_first() {
        let order = |order| {
            names(&find(
                &rooms(),
                &Finder {
                    order,
                    ..Finder::default()
                },
            ))
            .join(", ")
        };
        assert_eq!(
            order(Order::Players),
            "Lobby, Gamma Hall, Alpha Hall, beta hall"
        );
        assert_eq!(
            order(Order::Name),
            "Lobby, Alpha Hall, beta hall, Gamma Hall"
        );
        assert_eq!(
            order(Order::Newest),
            "Lobby, Gamma Hall, Alpha Hall, beta hall"
        );
    }

    #[test]
    fn the_search_ignores_case_and_spaces_around_it_and_full_rooms_can_be_hidden() {
        let found = |query: &str, hide_full| {
            let finder = Finder {
                query: query.into(),
                hide_full,
                ..Finder::default()
            };
            names(&find(&rooms(), &finder)).join(", ")
        };
        assert_eq!(found("  HALL ", false), "Gamma Hall, Alpha Hall, beta hall");
        assert_eq!(found("hall", true), "Gamma Hall, beta hall");
        assert_eq!(found("", true), "Lobby, Gamma Hall, beta hall");
        assert_eq!(found("nowhere", false), "");
    }

    #[test]
    fn the_rooms_the_player_was_in_lately_come_after_the_lobby_in_every_order() {
        for (order, _, _) in Order::ALL {
            let finder = Finder {
                order,
                recent: vec!["BETA HALL".into(), "nowhere".into(), "Alpha Hall".into()],
                ..Finder::default()
            };
            assert_eq!(
                names(&find(&rooms(), &finder)).join(", "),
                "Lobby, beta hall, Alpha Hall, Gamma Hall"
            );
        }
    }

    #[test]
    fn a_room_without_a_limit_is_never_full_and_unknown_orders_are_the_default() {
        assert!(!is_full(&room("x", "Open", 500, 0, 0)));
        assert_eq!(Order::from_value("newest"), Order::Newest);
        assert_eq!(Order::from_value("<script>"), Order::Players);
    }
}
