//! A member's inbox. Direct messages between members: members only, never to oneself, to a
//! blocker or someone one blocks, and to a member whose privacy is "friends" only from their
//! friends; 1 a second (a burst of 5) and 500 a day per account, counted on every instance
//! (`DIRECT_MESSAGES_BURST`, `DIRECT_MESSAGES_PER_DAY`).
//! Notifications: friend requests and acceptances, mentions, and a message to a member who is
//! away (once per unread conversation; a member who is here is told without keeping it); the
//! newest 100 are kept. Every change reaches each of the member's
//! connections, on any instance, as an `Inbox` with the header's counts.

use bytes::Bytes;
use pianorhythm_api::inbox::{
    ConversationPage, ConversationSummary, Correspondent, MessageView, NotificationView,
};
use pianorhythm_core::{
    domain::{
        inbox::{
            DirectMessage, Notification, NotificationKind, Recipient, UnreadCounts,
            CONVERSATION_PAGE,
        },
        user::User,
    },
    protocol::{server_message::Kind, Inbox},
    validation::avatar,
};
use pianorhythm_engine::{frames, ids, names, rooms::ConnectionId};
use pianorhythm_store::{now_millis, StoreError};

use super::{friends::member, Social};
use crate::{accounts::Caller, service_error::ServiceError};

impl Social {
    /// The caller's conversations, the latest first.
    pub async fn conversations(
        &self,
        caller: &Caller,
    ) -> Result<Vec<ConversationSummary>, ServiceError> {
        let me = member(caller)?;
        let conversations = self.inner.messages.conversations(&me.id).await?;
        let mut summaries = Vec::with_capacity(conversations.len());
        for conversation in conversations {
            let Some(with) = self.correspondent(&conversation.other).await? else {
                continue;
            };
            summaries.push(ConversationSummary {
                with,
                last: message_view(&me.id, &conversation.last),
                unread: conversation.unread,
            });
        }
        Ok(summaries)
    }

    /// Up to 50 messages with the member `usertag`, oldest first: the newest, or those before
    /// the message `before`.
    pub async fn conversation(
        &self,
        caller: &Caller,
        usertag: &str,
        before: Option<&str>,
    ) -> Result<ConversationPage, ServiceError> {
        let me = member(caller)?;
        if before.is_some_and(|id| !ids::is_well_formed(id)) {
            return Err(ServiceError::field("before", "not a message id"));
        }
        let other = self.member_named(usertag).await?;
        // One more than a page says whether older ones remain.
        let mut messages = self
            .inner
            .messages
            .conversation(&me.id, &other.id, before, CONVERSATION_PAGE + 1)
            .await?;
        let more = messages.len() > CONVERSATION_PAGE as usize;
        messages.truncate(CONVERSATION_PAGE as usize);
        messages.reverse();
        Ok(ConversationPage {
            with: self.correspondent_of(&other),
            messages: messages
                .iter()
                .map(|message| message_view(&me.id, message))
                .collect(),
            more,
        })
    }

    /// The caller has read what the member `usertag` sent them; their other tabs learn the
    /// new counts.
    pub async fn read_conversation(
        &self,
        caller: &Caller,
        usertag: &str,
    ) -> Result<(), ServiceError> {
        let me = member(caller)?;
        let other = self.member_named(usertag).await?;
        if self.inner.messages.mark_read(&me.id, &other.id).await? {
            self.tell_inbox(&me.id, None, None).await;
        }
        Ok(())
    }

    /// Sends the member `usertag` a message, which reaches both members' connections at once.
    pub async fn send_message(
        &self,
        caller: &Caller,
        usertag: &str,
        text: &str,
    ) -> Result<MessageView, ServiceError> {
        let me = member(caller)?;
        let text = names::direct_message(text)
            .map_err(|invalid| ServiceError::field("text", invalid.0))?;
        // Over the allowance already: refused before anything is read.
        self.inner.direct_messages.check(&me.id)?;
        let recipient = match self.inner.messages.recipient(&me.id, usertag.trim()).await {
            Err(StoreError::NotFound(_)) => return Err(ServiceError::NotFound("player")),
            found => found?,
        };
        may_message(me, &recipient)?;
        let other = recipient.user;
        // Counted once the message is sure to go: a refused one costs nothing.
        self.inner.direct_messages.take(&me.id).await?;
        let message = DirectMessage {
            id: ids::new_id(),
            from: me.id.clone(),
            to: other.id.clone(),
            text,
            sent_at: now_millis(),
        };
        let counts = self.inner.messages.send(&message).await?;
        let notice = Notice {
            text: format!("{} sent you a message", me.username),
            link: format!("/messages/{}", me.usertag),
        };
        // Both members' tabs at once, with the counts the write left: nothing more to read.
        let to_recipient = inbox_frame(counts.recipient, Some(&message), Some(&notice));
        let live = &self.inner.live;
        live.tell_players(std::slice::from_ref(&other.id), &to_recipient);
        let to_sender = inbox_frame(counts.sender, Some(&message), None);
        live.tell_players(std::slice::from_ref(&me.id), &to_sender);
        // Kept for a member who is away (who had no tab to tell), once per unread
        // conversation: a conversation does not flood the list.
        if !self.is_connected(&other.id).await && self.first_unread(&other.id, &me.id).await? {
            let kind = NotificationKind::Message;
            if let Err(error) = self
                .notify(&other.id, kind, &me.id, notice.text, notice.link)
                .await
            {
                tracing::warn!(%error, "cannot store a notification");
            }
        }
        Ok(message_view(&me.id, &message))
    }

    /// The caller's notifications, newest first, each saying whether it had been seen.
    pub async fn notifications(
        &self,
        caller: &Caller,
    ) -> Result<Vec<NotificationView>, ServiceError> {
        let me = member(caller)?;
        let notifications = self.inner.notifications.notifications(&me.id).await?;
        Ok(notifications
            .into_iter()
            .map(|notification| NotificationView {
                id: notification.id,
                kind: notification.kind.as_str().to_owned(),
                text: notification.text,
                link: notification.link,
                at: notification.at,
                read: notification.read,
            })
            .collect())
    }

    /// The caller has seen every notification; their other tabs learn the new counts.
    pub async fn read_notifications(&self, caller: &Caller) -> Result<(), ServiceError> {
        let me = member(caller)?;
        if self.inner.notifications.mark_all_read(&me.id).await? {
            self.tell_inbox(&me.id, None, None).await;
        }
        Ok(())
    }

    /// Stores a notification for `owner` and answers what their tabs are told of it. The
    /// caller tells the owner's connections (with [`Social::tell_inbox`]), alone or together
    /// with a message.
    pub(super) async fn notify(
        &self,
        owner: &str,
        kind: NotificationKind,
        actor: &str,
        text: String,
        link: String,
    ) -> Result<Notice, StoreError> {
        let notification = Notification {
            id: ids::new_id(),
            owner: owner.to_owned(),
            kind,
            actor_id: actor.to_owned(),
            text,
            link,
            at: now_millis(),
            read: false,
        };
        self.inner.notifications.notify(&notification).await?;
        Ok(Notice {
            text: notification.text,
            link: notification.link,
        })
    }

    /// Notifies `owner` and tells their connections; a store that fails loses the
    /// notification (logged), not what caused it.
    pub(super) async fn notify_now(
        &self,
        owner: &str,
        kind: NotificationKind,
        actor: &str,
        text: String,
        link: String,
    ) {
        match self.notify(owner, kind, actor, text, link).await {
            Ok(notice) => self.tell_inbox(owner, None, Some(&notice)).await,
            Err(error) => tracing::warn!(%error, "cannot store a notification"),
        }
    }

    /// Sends every connection of `member`, on every instance, their inbox's counts, with the
    /// message or notice that changed them.
    pub async fn tell_inbox(
        &self,
        member: &str,
        message: Option<&DirectMessage>,
        notice: Option<&Notice>,
    ) {
        if let Some(frame) = self.counted_frame(member, message, notice).await {
            self.inner.live.tell_players(&[member.to_owned()], &frame);
        }
    }

    /// Sends a member's new connection their inbox's counts.
    pub async fn tell_inbox_to(&self, member: &str, connection: ConnectionId) {
        if let Some(frame) = self.counted_frame(member, None, None).await {
            self.inner.live.deliver(&[connection], &frame);
        }
    }

    /// The `Inbox` telling `member` their counts, with what changed them; `None` (logged) when
    /// the store cannot count.
    async fn counted_frame(
        &self,
        member: &str,
        message: Option<&DirectMessage>,
        notice: Option<&Notice>,
    ) -> Option<Bytes> {
        match self.inner.messages.unread_counts(member).await {
            Ok(counts) => Some(inbox_frame(counts, message, notice)),
            Err(error) => {
                tracing::warn!(%error, "cannot count a member's unread messages");
                None
            }
        }
    }

    /// Whether one of `member`'s connections is open, on any instance.
    async fn is_connected(&self, member: &str) -> bool {
        !self.whereabouts_of(member).await.is_empty()
    }

    /// Whether `from`'s latest message is the only one `member` has not read of theirs.
    async fn first_unread(&self, member: &str, from: &str) -> Result<bool, ServiceError> {
        let conversations = self.inner.messages.conversations(member).await?;
        Ok(conversations
            .iter()
            .any(|conversation| conversation.other == from && conversation.unread == 1))
    }

    /// The member `id` as a conversation names them; `None` for an account that is gone.
    async fn correspondent(&self, id: &str) -> Result<Option<Correspondent>, ServiceError> {
        match self.inner.users.get(id).await {
            Ok(user) => Ok(Some(self.correspondent_of(&user))),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    fn correspondent_of(&self, user: &User) -> Correspondent {
        Correspondent {
            player_id: user.id.clone(),
            username: user.username.clone(),
            usertag: user.usertag.clone(),
            color: user.color.clone(),
            avatar_url: user
                .avatar_url
                .clone()
                .filter(|url| avatar::allowed(url, &self.inner.avatar_hosts)),
        }
    }
}

/// What a member's tabs are told of a notification: its words and where it leads.
pub struct Notice {
    /// What it says ("Ana sent you a message").
    pub text: String,
    /// A path on this site.
    pub link: String,
}

/// Refuses a message `me` may not send `recipient`, in words for the sender.
fn may_message(me: &User, recipient: &Recipient) -> Result<(), ServiceError> {
    let refused = |message: &str| Err(ServiceError::field("usertag", message));
    if recipient.user.id == me.id {
        return refused("you cannot message yourself");
    }
    if recipient.blocks_sender {
        return refused("this player does not take messages from you");
    }
    if recipient.blocked_by_sender {
        return refused("you block this player: unblock them first");
    }
    if recipient.user.settings.privacy == "friends" && !recipient.friend_of_sender {
        return refused("this player takes messages from friends only");
    }
    Ok(())
}

/// The `Inbox` telling a member their `counts`, with the message or notice that changed them.
fn inbox_frame(
    counts: UnreadCounts,
    message: Option<&DirectMessage>,
    notice: Option<&Notice>,
) -> Bytes {
    let mut inbox = Inbox {
        unread_conversations: counts.conversations,
        unread_notifications: counts.notifications,
        ..Inbox::default()
    };
    if let Some(message) = message {
        inbox.message_id = message.id.clone();
        inbox.message_from = message.from.clone();
        inbox.message_to = message.to.clone();
        inbox.message_text = message.text.clone();
        inbox.message_sent_at = message.sent_at;
    }
    if let Some(notice) = notice {
        inbox.notice = notice.text.clone();
        inbox.notice_link = notice.link.clone();
    }
    frames::encode(Kind::Inbox(inbox))
}

fn message_view(me: &str, message: &DirectMessage) -> MessageView {
    MessageView {
        id: message.id.clone(),
        mine: message.from == me,
        text: message.text.clone(),
        sent_at: message.sent_at,
    }
}
