use async_trait::async_trait;
use pianorhythm_core::domain::{report::SiteBan, UnixMillis};
use sqlx::{sqlite::SqliteRow, Row};

use super::{unavailable, SqliteStore};
use crate::{ports::SiteBans, StoreResult};

#[async_trait]
impl SiteBans for SqliteStore {
    async fn record(&self, ban: &SiteBan) -> StoreResult<()> {
        sqlx::query(
            "INSERT OR REPLACE INTO site_bans (account_id, display_name, at, until, reason,
                banned_by)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&ban.account_id)
        .bind(&ban.display_name)
        .bind(ban.at)
        .bind(ban.until)
        .bind(&ban.reason)
        .bind(&ban.by)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn lift(&self, account_id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM site_bans WHERE account_id = ?")
            .bind(account_id)
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn in_force(&self, now: UnixMillis, skip: u64, limit: u32) -> StoreResult<Vec<SiteBan>> {
        sqlx::query(
            "SELECT * FROM site_bans WHERE until > ?
             ORDER BY at DESC, account_id DESC LIMIT ? OFFSET ?",
        )
        .bind(now)
        .bind(limit)
        .bind(i64::try_from(skip).unwrap_or(i64::MAX))
        .try_map(site_ban)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }

    async fn of(&self, account_id: &str) -> StoreResult<Option<SiteBan>> {
        sqlx::query("SELECT * FROM site_bans WHERE account_id = ?")
            .bind(account_id)
            .try_map(site_ban)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)
    }
}

fn site_ban(row: SqliteRow) -> Result<SiteBan, sqlx::Error> {
    Ok(SiteBan {
        account_id: row.try_get("account_id")?,
        display_name: row.try_get("display_name")?,
        at: row.try_get("at")?,
        until: row.try_get("until")?,
        reason: row.try_get("reason")?,
        by: row.try_get("banned_by")?,
    })
}
