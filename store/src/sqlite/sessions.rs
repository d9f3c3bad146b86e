use async_trait::async_trait;
use pianorhythm_core::domain::{session::SessionRecord, UnixMillis};
use sqlx::{sqlite::SqliteRow, Row};

use super::{conflict_on, unavailable, SqliteStore};
use crate::{ports::SessionRecords, StoreResult};

#[async_trait]
impl SessionRecords for SqliteStore {
    async fn create(&self, record: &SessionRecord) -> StoreResult<()> {
        sqlx::query("INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)")
            .bind(&record.id)
            .bind(&record.data)
            .bind(record.expires_at)
            .execute(&self.pool)
            .await
            .map_err(|error| conflict_on(error, &[("sessions.id", "session id")]))?;
        Ok(())
    }

    async fn save(&self, record: &SessionRecord) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (id, data, expires_at) VALUES (?, ?, ?)
             ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        )
        .bind(&record.id)
        .bind(&record.data)
        .bind(record.expires_at)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn load(&self, id: &str, now: UnixMillis) -> StoreResult<Option<SessionRecord>> {
        sqlx::query("SELECT * FROM sessions WHERE id = ? AND expires_at > ?")
            .bind(id)
            .bind(now)
            .try_map(|row: SqliteRow| {
                Ok(SessionRecord {
                    id: row.try_get("id")?,
                    data: row.try_get("data")?,
                    expires_at: row.try_get("expires_at")?,
                })
            })
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)
    }

    async fn delete(&self, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn delete_expired(&self, now: UnixMillis) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= ?")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(done.rows_affected())
    }
}
