//! A member's inbox: direct messages between two members, and notifications (friend requests
//! and acceptances, messages, mentions). Members only: a guest has no identity that lasts.

use strum::{EnumString, IntoStaticStr};

use crate::domain::{user::User, UnixMillis};

/// Messages a conversation page shows at once, and pages back by.
pub const CONVERSATION_PAGE: u32 = 50;
/// Notifications kept per member: older ones go as new ones come.
pub const KEPT_NOTIFICATIONS: u32 = 100;

/// One message from one member to another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectMessage {
    /// Its id, which grows with time: conversations page back by it.
    pub id: String,
    /// The sender's account id.
    pub from: String,
    /// The recipient's account id.
    pub to: String,
    /// The text, under the chat's rules.
    pub text: String,
    /// When it was sent.
    pub sent_at: UnixMillis,
}

impl DirectMessage {
    /// The other member of the two, seen from `me`.
    pub fn other(&self, me: &str) -> &str {
        match self.from == me {
            true => &self.to,
            false => &self.from,
        }
    }
}

/// One of a member's conversations, as their list of conversations shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    /// The other member's account id.
    pub other: String,
    /// The latest message, either way.
    pub last: DirectMessage,
    /// How many of the other's messages this member has not read.
    pub unread: u32,
}

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, IntoStaticStr, EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum NotificationKind {
    FriendRequest,
    FriendAccepted,
    Message,
    Mention,
}

stored_names!(NotificationKind);

/// What the header counts for a member: conversations with a message they have not read, and
/// notifications they have not seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnreadCounts {
    /// Conversations with something unread.
    pub conversations: u32,
    /// Notifications not yet seen.
    pub notifications: u32,
}

/// Both members' header counts as a message's write leaves them: their tabs are told the
/// message with them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CountsAfterSending {
    /// The sender's, which the message does not change but their other tabs are shown.
    pub sender: UnreadCounts,
    /// The recipient's, with the message unread.
    pub recipient: UnreadCounts,
}

/// The member a message is addressed to, and how they and its sender stand: everything the
/// rules of direct messages ask, read at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recipient {
    /// The member the usertag names.
    pub user: User,
    /// Whether they block the sender: the sender may not message them.
    pub blocks_sender: bool,
    /// Whether the sender blocks them: the sender must unblock them first.
    pub blocked_by_sender: bool,
    /// Whether they are the sender's friend: a member whose privacy is "friends" hears from
    /// friends only.
    pub friend_of_sender: bool,
}

/// Something a member is told about, kept until newer ones push it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// Its id, which grows with time (newest first).
    pub id: String,
    /// The member it is for.
    pub owner: String,
    pub kind: NotificationKind,
    /// Who caused it: their participant id.
    pub actor_id: String,
    /// What it says, in words ("Ana sent you a friend request"), fixed when it happened.
    pub text: String,
    /// Where it leads, a path on this site ("/friends", "/messages/ana").
    pub link: String,
    /// When it happened.
    pub at: UnixMillis,
    /// Whether the owner has seen it.
    pub read: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_other_is_whoever_did_not_send_it_to_me() {
        let message = DirectMessage {
            id: "1".into(),
            from: "ana".into(),
            to: "bo".into(),
            text: "hi".into(),
            sent_at: 0,
        };
        assert_eq!(message.other("ana"), "bo");
        assert_eq!(message.other("bo"), "ana");
    }

    #[test]
    fn kinds_are_stored_by_name() {
        assert_eq!(NotificationKind::FriendRequest.as_str(), "friend_request");
        assert_eq!(
            NotificationKind::parse("mention"),
            Some(NotificationKind::Mention)
        );
        assert_eq!(NotificationKind::parse("Mention"), None);
    }
}
