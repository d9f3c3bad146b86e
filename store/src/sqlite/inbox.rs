use async_trait::async_trait;
use pianorhythm_core::domain::inbox::{
    Conversation, CountsAfterSending, DirectMessage, Notification, NotificationKind, Recipient,
    UnreadCounts, KEPT_NOTIFICATIONS,
};
use sqlx::{sqlite::SqliteRow, Row};

use super::{corrupt, recipient, unavailable, unread, SqliteStore};
use crate::{
    ports::{MessageStore, NotificationStore},
    StoreResult,
};

/// A pair's key: the lower id first, so both members find the same messages.
pub(super) fn pair<'a>(one: &'a str, other: &'a str) -> (&'a str, &'a str) {
    match one <= other {
        true => (one, other),
        false => (other, one),
    }
}

#[async_trait]
impl MessageStore for SqliteStore {
    async fn recipient(&self, sender: &str, usertag: &str) -> StoreResult<Recipient> {
        let asked = recipient::Asked {
            sender: sender.to_owned(),
            usertag: usertag.to_owned(),
        };
        self.recipients.ask(asked).await
    }

    async fn send(&self, message: &DirectMessage) -> StoreResult<CountsAfterSending> {
        // The message and both members' conversations change together or not at all, in a
        // transaction with the other messages sent meanwhile.
        self.messages.ask(message.clone()).await
    }

    async fn conversation(
        &self,
        me: &str,
        other: &str,
        before: Option<&str>,
        limit: u32,
    ) -> StoreResult<Vec<DirectMessage>> {
        let (low, high) = pair(me, other);
        sqlx::query(
            "SELECT * FROM direct_messages
             WHERE low_id = ? AND high_id = ? AND (? IS NULL OR id < ?)
             ORDER BY id DESC LIMIT ?",
        )
        .bind(low)
        .bind(high)
        .bind(before)
        .bind(before)
        .bind(limit)
        .try_map(direct_message)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }

    async fn conversations(&self, member: &str) -> StoreResult<Vec<Conversation>> {
        sqlx::query(
            "SELECT c.other_id, c.unread, m.* FROM conversations c
             JOIN direct_messages m ON m.id = c.last_message_id
             WHERE c.owner_id = ? ORDER BY c.last_message_id DESC",
        )
        .bind(member)
        .try_map(|row: SqliteRow| {
            Ok(Conversation {
                other: row.try_get("other_id")?,
                unread: row.try_get("unread")?,
                last: direct_message(row)?,
            })
        })
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }

    async fn mark_read(&self, me: &str, other: &str) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE conversations SET unread = 0
             WHERE owner_id = ? AND other_id = ? AND unread > 0",
        )
        .bind(me)
        .bind(other)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn unread_conversations(&self, member: &str) -> StoreResult<u32> {
        sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE owner_id = ? AND unread > 0")
            .bind(member)
            .fetch_one(&self.pool)
            .await
            .map_err(unavailable)
    }

    async fn unread_counts(&self, member: &str) -> StoreResult<UnreadCounts> {
        let counts = unread::unread_counts(&self.pool, &[member]).await?;
        Ok(counts.get(member).copied().unwrap_or_default())
    }
}

fn direct_message(row: SqliteRow) -> Result<DirectMessage, sqlx::Error> {
    Ok(DirectMessage {
        id: row.try_get("id")?,
        from: row.try_get("sender")?,
        to: row.try_get("recipient")?,
        text: row.try_get("text")?,
        sent_at: row.try_get("sent_at")?,
    })
}

#[async_trait]
impl NotificationStore for SqliteStore {
    async fn notify(&self, notification: &Notification) -> StoreResult<()> {
        let mut transaction = self.pool.begin().await.map_err(unavailable)?;
        sqlx::query(
            "INSERT INTO notifications (id, owner_id, kind, actor_id, text, link, at, read)
             VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
        )
        .bind(&notification.id)
        .bind(&notification.owner)
        .bind(notification.kind.as_str())
        .bind(&notification.actor_id)
        .bind(&notification.text)
        .bind(&notification.link)
        .bind(notification.at)
        .execute(&mut *transaction)
        .await
        .map_err(unavailable)?;
        sqlx::query(
            "DELETE FROM notifications WHERE owner_id = ?1 AND id NOT IN (
                SELECT id FROM notifications WHERE owner_id = ?1 ORDER BY id DESC LIMIT ?2)",
        )
        .bind(&notification.owner)
        .bind(KEPT_NOTIFICATIONS)
        .execute(&mut *transaction)
        .await
        .map_err(unavailable)?;
        transaction.commit().await.map_err(unavailable)
    }

    async fn notifications(&self, owner: &str) -> StoreResult<Vec<Notification>> {
        sqlx::query("SELECT * FROM notifications WHERE owner_id = ? ORDER BY id DESC")
            .bind(owner)
            .try_map(notification)
            .fetch_all(&self.pool)
            .await
            .map_err(unavailable)
    }

    async fn mark_all_read(&self, owner: &str) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE notifications SET read = 1 WHERE owner_id = ? AND read = 0")
            .bind(owner)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected() > 0)
    }

    async fn unread_notifications(&self, owner: &str) -> StoreResult<u32> {
        sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE owner_id = ? AND read = 0")
            .bind(owner)
            .fetch_one(&self.pool)
            .await
            .map_err(unavailable)
    }
}

fn notification(row: SqliteRow) -> Result<Notification, sqlx::Error> {
    let kind: String = row.try_get("kind")?;
    Ok(Notification {
        id: row.try_get("id")?,
        owner: row.try_get("owner_id")?,
        kind: NotificationKind::parse(&kind).ok_or_else(|| corrupt("notification kind", &kind))?,
        actor_id: row.try_get("actor_id")?,
        text: row.try_get("text")?,
        link: row.try_get("link")?,
        at: row.try_get("at")?,
        read: row.try_get::<i64, _>("read")? == 1,
    })
}
