use async_trait::async_trait;
use pianorhythm_core::domain::{
    report::{Report, ReportStatus, ReportedPlayer, Reporter},
    UnixMillis,
};
use sqlx::{sqlite::SqliteRow, Row};

use super::{corrupt, unavailable, SqliteStore};
use crate::{
    chat_lines::{lines_of, messages_of},
    ports::ReportStore,
    StoreError, StoreResult,
};

#[async_trait]
impl ReportStore for SqliteStore {
    async fn create(&self, report: &Report) -> StoreResult<()> {
        let chat = serde_json::to_string(&lines_of(&report.chat))
            .map_err(|error| StoreError::Invalid(error.to_string()))?;
        sqlx::query(
            "INSERT INTO reports (id, at, reporter_account, reporter_guest, reporter_address,
                target_participant, target_account, target_name, room_id, room_name, reason,
                chat, status, handled_by, handled_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&report.id)
        .bind(report.at)
        .bind(&report.reporter.account_id)
        .bind(&report.reporter.guest_id)
        .bind(&report.reporter.address)
        .bind(&report.target.participant_id)
        .bind(&report.target.account_id)
        .bind(&report.target.name)
        .bind(&report.room_id)
        .bind(&report.room_name)
        .bind(&report.reason)
        .bind(chat)
        .bind(report.status.as_str())
        .bind(&report.handled_by)
        .bind(report.handled_at)
        .execute(&self.pool)
        .await
        .map_err(unavailable)?;
        Ok(())
    }

    async fn get(&self, id: &str) -> StoreResult<Report> {
        sqlx::query("SELECT * FROM reports WHERE id = ?")
            .bind(id)
            .try_map(report_of)
            .fetch_optional(&self.pool)
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("report"))
    }

    async fn list(
        &self,
        status: Option<ReportStatus>,
        skip: u64,
        limit: u32,
    ) -> StoreResult<Vec<Report>> {
        sqlx::query(
            "SELECT * FROM reports WHERE ?1 IS NULL OR status = ?1
             ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
        )
        .bind(status.map(ReportStatus::as_str))
        .bind(limit)
        .bind(i64::try_from(skip).unwrap_or(i64::MAX))
        .try_map(report_of)
        .fetch_all(&self.pool)
        .await
        .map_err(unavailable)
    }

    async fn close(
        &self,
        id: &str,
        status: ReportStatus,
        by: &str,
        at: UnixMillis,
    ) -> StoreResult<Report> {
        let closed = sqlx::query(
            "UPDATE reports SET status = ?, handled_by = ?, handled_at = ?
             WHERE id = ? AND status = 'open' RETURNING *",
        )
        .bind(status.as_str())
        .bind(by)
        .bind(at)
        .bind(id)
        .try_map(report_of)
        .fetch_optional(&self.pool)
        .await
        .map_err(unavailable)?;
        match closed {
            Some(report) => Ok(report),
            // Either it is not there, or another moderator closed it first.
            None => {
                self.get(id).await?;
                Err(StoreError::Conflict { what: "report" })
            }
        }
    }
}

fn report_of(row: SqliteRow) -> Result<Report, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let chat: String = row.try_get("chat")?;
    let lines =
        serde_json::from_str(&chat).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    Ok(Report {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        reporter: Reporter {
            account_id: row.try_get("reporter_account")?,
            guest_id: row.try_get("reporter_guest")?,
            address: row.try_get("reporter_address")?,
        },
        target: ReportedPlayer {
            participant_id: row.try_get("target_participant")?,
            account_id: row.try_get("target_account")?,
            name: row.try_get("target_name")?,
        },
        room_id: row.try_get("room_id")?,
        room_name: row.try_get("room_name")?,
        reason: row.try_get("reason")?,
        chat: messages_of(lines),
        status: ReportStatus::parse(&status).ok_or_else(|| corrupt("report status", &status))?,
        handled_by: row.try_get("handled_by")?,
        handled_at: row.try_get("handled_at")?,
    })
}
