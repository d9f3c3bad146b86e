use async_trait::async_trait;
use pianorhythm_core::domain::audit::{AuditAction, AuditEntry};
use sqlx::{sqlite::SqliteRow, Row};

use super::{corrupt, unavailable, SqliteStore};
use crate::{ports::AuditLog, StoreResult};

#[async_trait]
impl AuditLog for SqliteStore {
    async fn append(&self, entry: &AuditEntry) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_logs (at, action, actor_id, room_id, target_id, details, address,
                user_agent)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(entry.at)
        .bind(entry.action.as_str())
        .bind(&entry.actor_id)
        .bind(&entry.room_id)
        .bind(&entry.target_id)
        .bind(&entry.details)
        .bind(&entry.address)
        .bind(&entry.user_agent)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn recent(&self, room_id: Option<&str>, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        sqlx::query(
            "SELECT * FROM audit_logs WHERE ?1 IS NULL OR room_id = ?1 ORDER BY seq DESC LIMIT ?2",
        )
        .bind(room_id)
        .bind(limit)
        .try_map(|row: SqliteRow| {
            let action: String = row.try_get("action")?;
            Ok(AuditEntry {
                at: row.try_get("at")?,
                action: AuditAction::parse(&action)
                    .ok_or_else(|| corrupt("audit action", &action))?,
                actor_id: row.try_get("actor_id")?,
                room_id: row.try_get("room_id")?,
                target_id: row.try_get("target_id")?,
                details: row.try_get("details")?,
                address: row.try_get("address")?,
                user_agent: row.try_get("user_agent")?,
            })
        })
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }
}
