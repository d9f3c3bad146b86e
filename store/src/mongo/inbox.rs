use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{doc, DateTime},
    Collection,
};
use pianorhythm_core::domain::inbox::{
    Conversation, CountsAfterSending, DirectMessage, Notification, NotificationKind, Recipient,
    UnreadCounts, KEPT_NOTIFICATIONS,
};
use serde::{Deserialize, Serialize};

use super::{corrupt, unavailable, MongoStore};
use crate::{
    ports::{MessageStore, NotificationStore},
    StoreResult,
};

/// One direct message.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageDocument {
    #[serde(rename = "_id")]
    id: String,
    /// `<lower id>:<higher id>`: both members find the conversation by it (indexed with `_id`).
    pair: String,
    from: String,
    to: String,
    text: String,
    sent_at: DateTime,
}

/// One member's side of a conversation; `_id` is `<owner>:<other>`.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConversationDocument {
    #[serde(rename = "_id")]
    id: String,
    owner: String,
    other: String,
    /// The latest message's id, for the list's order (indexed with `owner`).
    last_id: String,
    /// The latest message, so the list needs no second read.
    last: MessageDocument,
    /// How many of the other's messages the owner has not read.
    unread: u32,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NotificationDocument {
    #[serde(rename = "_id")]
    id: String,
    owner: String,
    kind: String,
    actor_id: String,
    text: String,
    link: String,
    at: DateTime,
    read: bool,
}

fn pair(one: &str, other: &str) -> String {
    match one <= other {
        true => format!("{one}:{other}"),
        false => format!("{other}:{one}"),
    }
}

impl MongoStore {
    fn direct_messages(&self) -> Collection<MessageDocument> {
        self.database.collection("direct_messages")
    }

    fn conversation_records(&self) -> Collection<ConversationDocument> {
        self.database.collection("conversations")
    }

    fn notification_records(&self) -> Collection<NotificationDocument> {
        self.database.collection("notifications")
    }
}

#[async_trait]
impl MessageStore for MongoStore {
    async fn recipient(&self, sender: &str, usertag: &str) -> StoreResult<Recipient> {
        self.recipient_of(sender, usertag).await
    }

    async fn send(&self, message: &DirectMessage) -> StoreResult<CountsAfterSending> {
        let document = MessageDocument {
            id: message.id.clone(),
            pair: pair(&message.from, &message.to),
            from: message.from.clone(),
            to: message.to.clone(),
            text: message.text.clone(),
            sent_at: DateTime::from_millis(message.sent_at),
        };
        self.direct_messages()
            .insert_one(&document)
            .await
            .map_err(unavailable)?;
        let last = mongodb::bson::to_bson(&document)
            .map_err(|error| crate::StoreError::Unavailable(error.to_string()))?;
        for (owner, other, unread) in [
            (&message.from, &message.to, 0),
            (&message.to, &message.from, 1),
        ] {
            self.conversation_records()
                .update_one(
                    doc! { "_id": format!("{owner}:{other}") },
                    doc! {
                        "$set": { "owner": owner, "other": other, "lastId": &message.id, "last": &last },
                        "$inc": { "unread": unread },
                    },
                )
                .upsert(true)
                .await
                .map_err(unavailable)?;
        }
        let (sender, recipient) = tokio::try_join!(
            self.unread_counts(&message.from),
            self.unread_counts(&message.to),
        )?;
        Ok(CountsAfterSending { sender, recipient })
    }

    async fn conversation(
        &self,
        me: &str,
        other: &str,
        before: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<DirectMessage>> {
        let mut filter = doc! { "pair": pair(me, other) };
        if let Some(before) = before {
            filter.insert("_id", doc! { "$lt": before });
        }
        let documents: Vec<MessageDocument> = self
            .direct_messages()
            .find(filter)
            .sort(doc! { "_id": -1 })
            .limit(i64::from(limit))
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        Ok(documents
            .into_iter()
            .map(MessageDocument::message)
            .collect())
    }

    async fn conversations(&self, member: &str) -> StoreResult<Vec<Conversation>> {
        let documents: Vec<ConversationDocument> = self
            .conversation_records()
            .find(doc! { "owner": member })
            .sort(doc! { "lastId": -1 })
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        Ok(documents
            .into_iter()
            .map(|document| Conversation {
                other: document.other,
                last: document.last.message(),
                unread: document.unread,
            })
            .collect())
    }

    async fn mark_read(&self, me: &str, other: &str) -> StoreResult<bool> {
        let done = self
            .conversation_records()
            .update_one(
                doc! { "_id": format!("{me}:{other}"), "unread": { "$gt": 0 } },
                doc! { "$set": { "unread": 0 } },
            )
            .await
            .map_err(unavailable)?;
        Ok(done.modified_count > 0)
    }

    async fn unread_conversations(&self, member: &str) -> StoreResult<u32> {
        let count = self
            .conversation_records()
            .count_documents(doc! { "owner": member, "unread": { "$gt": 0 } })
            .await
            .map_err(unavailable)?;
        Ok(count as u32)
    }

    async fn unread_counts(&self, member: &str) -> StoreResult<UnreadCounts> {
        let (conversations, notifications) = tokio::try_join!(
            self.unread_conversations(member),
            self.unread_notifications(member),
        )?;
        Ok(UnreadCounts {
            conversations,
            notifications,
        })
    }
}

impl MessageDocument {
    fn message(self) -> DirectMessage {
        DirectMessage {
            id: self.id,
            from: self.from,
            to: self.to,
            text: self.text,
            sent_at: self.sent_at.timestamp_millis(),
        }
    }
}

#[async_trait]
impl NotificationStore for MongoStore {
    async fn notify(&self, notification: &Notification) -> StoreResult<()> {
        let document = NotificationDocument {
            id: notification.id.clone(),
            owner: notification.owner.clone(),
            kind: notification.kind.as_str().to_owned(),
            actor_id: notification.actor_id.clone(),
            text: notification.text.clone(),
            link: notification.link.clone(),
            at: DateTime::from_millis(notification.at),
            read: false,
        };
        let records = self.notification_records();
        records.insert_one(&document).await.map_err(unavailable)?;
        // The newest one pushed out of the kept number, and everything older, go.
        let pushed_out = records
            .find_one(doc! { "owner": &notification.owner })
            .sort(doc! { "_id": -1 })
            .skip(u64::from(KEPT_NOTIFICATIONS))
            .await
            .map_err(unavailable)?;
        if let Some(pushed_out) = pushed_out {
            records
                .delete_many(
                    doc! { "owner": &notification.owner, "_id": { "$lte": pushed_out.id } },
                )
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn notifications(&self, owner: &str) -> StoreResult<Vec<Notification>> {
        let documents: Vec<NotificationDocument> = self
            .notification_records()
            .find(doc! { "owner": owner })
            .sort(doc! { "_id": -1 })
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        documents
            .into_iter()
            .map(|document| {
                Ok(Notification {
                    kind: NotificationKind::parse(&document.kind)
                        .ok_or_else(|| corrupt("notification kind", &document.kind))?,
                    id: document.id,
                    owner: document.owner,
                    actor_id: document.actor_id,
                    text: document.text,
                    link: document.link,
                    at: document.at.timestamp_millis(),
                    read: document.read,
                })
            })
            .collect()
    }

    async fn mark_all_read(&self, owner: &str) -> StoreResult<bool> {
        let done = self
            .notification_records()
            .update_many(
                doc! { "owner": owner, "read": false },
                doc! { "$set": { "read": true } },
            )
            .await
            .map_err(unavailable)?;
        Ok(done.modified_count > 0)
    }

    async fn unread_notifications(&self, owner: &str) -> StoreResult<u32> {
        let count = self
            .notification_records()
            .count_documents(doc! { "owner": owner, "read": false })
            .await
            .map_err(unavailable)?;
        Ok(count as u32)
    }
}
