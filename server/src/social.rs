//! [`Social`]: what players do about each other. A player blocks another: a member's list is
//! kept on the account, a guest's in their session, and every connection of the blocker, on
//! every instance, passes the new list to its room at once. Members befriend each other and
//! see where their friends are, live, message each other and are notified. The REST API and
//! the server functions are thin adapters over it.
//!
//! - `blocks`: whom a player blocks, and where the list is kept
//! - `friends`: friend requests, friends, and their limits
//! - `presence`: where friends are, reported by connections and pushed to friends
//! - `inbox`: direct messages and notifications, stored and pushed to the member's tabs
//! - `mentions`: "@usertag" in a room's chat notifies a member who is elsewhere
//! - `pages`: this service as the server functions see it

mod blocks;
mod friends;
mod inbox;
mod mentions;
mod pages;
mod presence;

use std::sync::Arc;

use pianorhythm_engine::{
    live::LiveConnections,
    presence::PresenceBoard,
    quotas::{AccountQuota, MessageQuota, SharedQuotas},
    rooms::Registry,
};
use pianorhythm_store::{
    ports::{BlockStore, FriendStore, MessageStore, NotificationStore, UserStore},
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
    /// Direct messages and conversations.
    messages: Arc<dyn MessageStore>,
    /// What members are told about.
    notifications: Arc<dyn NotificationStore>,
    /// Direct messages each account may still send.
    direct_messages: AccountQuota,
    /// Mention notifications each account may still cause.
    mentions: AccountQuota,
    /// Where avatars may come from (`AVATAR_HOSTS`): conversations show no other.
    avatar_hosts: Arc<[String]>,
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
    /// Direct messages one account may send.
    pub message_quota: MessageQuota,
    /// Where avatars may come from.
    pub avatar_hosts: Arc<[String]>,
}

impl Social {
    pub fn new(store: &Store, parts: SocialParts) -> Self {
        let friend_requests = AccountQuota::new(
            "friend_requests",
            friends::FRIEND_REQUESTS,
            parts.quotas.clone(),
        );
        let direct_messages = AccountQuota::new(
            "direct_messages",
            parts.message_quota.windows(),
            parts.quotas.clone(),
        );
        let mentions = AccountQuota::new("mentions", mentions::MENTIONS, parts.quotas);
        Self {
            inner: Arc::new(Inner {
                blocks: store.blocks.clone(),
                users: store.users.clone(),
                live: parts.live,
                friends: store.friends.clone(),
                presence: parts.presence,
                registry: parts.registry,
                friend_requests,
                messages: store.messages.clone(),
                notifications: store.notifications.clone(),
                direct_messages,
                mentions,
                avatar_hosts: parts.avatar_hosts,
            }),
        }
    }
}

/// A room's name as one segment of a path ("/room/<name>").
fn path_segment(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string()
}
