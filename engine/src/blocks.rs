//! Whom a player blocks, as rooms consult it on every note batch and chat line they relay:
//! the blocked player's notes and messages are never sent to the blocker.

use std::{collections::HashSet, sync::Arc};

/// The participant ids one player blocks. Cheap to clone: each room the player is in holds
/// the same set, replaced whole when the player's list changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockedPlayers(Option<Arc<HashSet<Box<str>>>>);

impl BlockedPlayers {
    pub fn new<I, S>(ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Box<str>>,
    {
        let ids: HashSet<Box<str>> = ids.into_iter().map(Into::into).collect();
        // The common case, blocking no one, allocates nothing and is checked without hashing.
        Self((!ids.is_empty()).then(|| Arc::new(ids)))
    }

    pub fn contains(&self, player_id: &str) -> bool {
        self.0.as_ref().is_some_and(|ids| ids.contains(player_id))
    }

    /// The ids, in no particular order (to send the set to another instance).
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|ids| ids.iter().map(|id| &**id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_exactly_the_ids_it_was_given() {
        let blocked = BlockedPlayers::new(["troll", "spammer"]);
        assert!(blocked.contains("troll") && blocked.contains("spammer"));
        assert!(!blocked.contains("friend") && !blocked.contains("Troll"));
        let mut ids: Vec<_> = blocked.ids().collect();
        ids.sort_unstable();
        assert_eq!(ids, ["spammer", "troll"]);
        let none = BlockedPlayers::new(Vec::<String>::new());
        assert_eq!(none, BlockedPlayers::default());
        assert!(!none.contains("troll") && none.ids().next().is_none());
    }
}
