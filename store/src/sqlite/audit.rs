use async_trait::async_trait;
use pianorhythm_core::domain::audit::{AuditAction, AuditEntry, AuditFilter};
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

    async fn search(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        sqlx::query(
            "SELECT * FROM audit_logs
             WHERE (?1 IS NULL OR room_id = ?1) AND (?2 IS NULL OR action = ?2)
                AND (?3 IS NULL OR actor_id = ?3) AND (?4 IS NULL OR target_id = ?4)
             ORDER BY seq DESC LIMIT ?5 OFFSET ?6",
        )
        .bind(&filter.room_id)
        .bind(filter.action.map(AuditAction::as_str))
        .bind(&filter.actor_id)
        .bind(&filter.target_id)
        .bind(filter.limit)
        .bind(i64::try_from(filter.skip).unwrap_or(i64::MAX))
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
