//! [`Social`]: what players do about each other. A player blocks another: a member's list is
//! kept on the account, a guest's in their session, and every connection of the blocker, on
//! every instance, passes the new list to its room at once. Members befriend each other and
//! see where their friends are, live. The REST API and the server functions are thin adapters
//! over it.
//!
//! - `blocks`: whom a player blocks, and where the list is kept
//! - `friends`: friend requests, friends, and their limits
//! - `presence`: where friends are, reported by connections and pushed to friends
//! - `pages`: this service as the server functions see it

mod blocks;
mod friends;
mod pages;
mod presence;

use std::sync::Arc;

use pianorhythm_engine::{
    live::LiveConnections,
    presence::PresenceBoard,
    quotas::{AccountQuota, SharedQuotas},
    rooms::Registry,
};
use pianorhythm_store::{
    ports::{BlockStore, FriendStore, UserStore},
    Store,
};

pub use pages::SocialPages;
pub use presence::PresenceReport;

/// Cheap to clone: every handler holds one.
#[derive(Clone)]
pub struct Social {
    inner: Arc<Inner>,
}

struct Inner {
    /// Members' block lists.
    blocks: Arc<dyn BlockStore>,
    /// Accounts, to tell a member from a guest and name them.
    users: Arc<dyn UserStore>,
    /// Every open connection, to hand a new block list to the blocker's rooms and a
    /// friend's whereabouts to their friends.
    live: Arc<LiveConnections>,
    /// Friendships, requests, and when members were last seen.
    friends: Arc<dyn FriendStore>,
    /// Where each player's connections are, on every instance.
    presence: Arc<dyn PresenceBoard>,
    /// The lobby's list, to name the room a friend is in.
    registry: Arc<Registry>,
    /// Friend requests each account may still send.
    friend_requests: AccountQuota,
}

/// What the service is made of, besides the store.
pub struct SocialParts {
    /// Every open connection.
    pub live: Arc<LiveConnections>,
    /// Where each player's connections are: this instance's, or the cluster's.
    pub presence: Arc<dyn PresenceBoard>,
    /// The live rooms.
    pub registry: Arc<Registry>,
    /// Per-account quotas counted on every instance.
    pub quotas: Arc<dyn SharedQuotas>,
}

impl Social {
    pub fn new(store: &Store, parts: SocialParts) -> Self {
        let friend_requests =
            AccountQuota::new("friend_requests", friends::FRIEND_REQUESTS, parts.quotas);
        Self {
            inner: Arc::new(Inner {
                blocks: store.blocks.clone(),
                users: store.users.clone(),
                live: parts.live,
                friends: store.friends.clone(),
                presence: parts.presence,
                registry: parts.registry,
                friend_requests,
            }),
        }
    }
}
