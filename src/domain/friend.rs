//! Friends: a member asks another, who accepts (or declines); either ends it. Members only: a
//! guest has no identity that lasts.

use crate::domain::UnixMillis;

/// The most friends and open requests one member may have.
pub const MAX_FRIENDS: usize = 500;

/// Two members: asked, or friends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Friendship {
    /// Who asked.
    pub requester: String,
    /// Who was asked.
    pub addressee: String,
    /// Whether the addressee accepted: they are friends.
    pub accepted: bool,
    /// When it was asked, or accepted once it is.
    pub since: UnixMillis,
}

impl Friendship {
    /// The other member of the two, seen from `me`.
    pub fn other(&self, me: &str) -> &str {
        match self.requester == me {
            true => &self.addressee,
            false => &self.requester,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_is_whoever_is_not_me() {
        let asked = Friendship {
            requester: "ana".into(),
            addressee: "bo".into(),
            accepted: false,
            since: 0,
        };
        assert_eq!(asked.other("ana"), "bo");
        assert_eq!(asked.other("bo"), "ana");
    }
}
