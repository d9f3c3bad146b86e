use async_trait::async_trait;
use pianorhythm_core::protocol::{ChatMessage, Participant};
use sqlx::{sqlite::SqliteRow, Row};

use super::{unavailable, SqliteStore};
use crate::{ports::ChatStore, StoreResult};

#[async_trait]
impl ChatStore for SqliteStore {
    async fn append(&self, room_id: &str, message: &ChatMessage) -> StoreResult<()> {
        let sender = message.sender.clone().unwrap_or_default();
        sqlx::query(
            "INSERT INTO chat_messages (room_id, id, sender_id, sender_name, sender_color, text, time_ms)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(room_id)
        .bind(&message.id)
        .bind(sender.id)
        .bind(sender.name)
        .bind(sender.color)
        .bind(&message.text)
        .bind(message.time)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn delete(&self, room_id: &str, message_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM chat_messages WHERE room_id = ? AND id = ?")
            .bind(room_id)
            .bind(message_id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn recent(&self, room_id: &str, limit: u32) -> StoreResult<Vec<ChatMessage>> {
        let mut messages =
            sqlx::query("SELECT * FROM chat_messages WHERE room_id = ? ORDER BY seq DESC LIMIT ?")
                .bind(room_id)
                .bind(limit)
                .try_map(|row: SqliteRow| {
                    Ok(ChatMessage {
                        id: row.try_get("id")?,
                        sender: Some(Participant {
                            id: row.try_get("sender_id")?,
                            name: row.try_get("sender_name")?,
                            color: row.try_get("sender_color")?,
                            ..Default::default()
                        }),
                        text: row.try_get("text")?,
                        time: row.try_get("time_ms")?,
                    })
                })
                .fetch_all(&self.pool)
                .await
                .map_err(unavailable)?;
        messages.reverse();
        Ok(messages)
    }
}
