use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{doc, DateTime, Document},
    options::ReturnDocument,
    Collection,
};
use pianorhythm_core::domain::{
    report::{Report, ReportStatus, ReportedPlayer, Reporter},
    UnixMillis,
};
use serde::{Deserialize, Serialize};

use super::{corrupt, unavailable, MongoStore};
use crate::{
    chat_lines::{lines_of, messages_of, ChatLine},
    ports::ReportStore,
    StoreError, StoreResult,
};

/// One report; `_id` is the report's id, which grows with creation (newest first is `_id`
/// descending, as on SQLite).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReportDocument {
    #[serde(rename = "_id")]
    id: String,
    created_at: DateTime,
    reporter_account_id: Option<String>,
    reporter_guest_id: Option<String>,
    reporter_address: String,
    target_participant_id: String,
    target_account_id: Option<String>,
    target_name: String,
    room_id: Option<String>,
    room_name: Option<String>,
    reason: String,
    chat: Vec<ChatLine>,
    status: String,
    handled_by: Option<String>,
    handled_at: Option<DateTime>,
}

impl ReportDocument {
    fn of(report: &Report) -> Self {
        Self {
            id: report.id.clone(),
            created_at: DateTime::from_millis(report.at),
            reporter_account_id: report.reporter.account_id.clone(),
            reporter_guest_id: report.reporter.guest_id.clone(),
            reporter_address: report.reporter.address.clone(),
            target_participant_id: report.target.participant_id.clone(),
            target_account_id: report.target.account_id.clone(),
            target_name: report.target.name.clone(),
            room_id: report.room_id.clone(),
            room_name: report.room_name.clone(),
            reason: report.reason.clone(),
            chat: lines_of(&report.chat),
            status: report.status.as_str().to_owned(),
            handled_by: report.handled_by.clone(),
            handled_at: report.handled_at.map(DateTime::from_millis),
        }
    }

    fn into_report(self) -> StoreResult<Report> {
        Ok(Report {
            id: self.id,
            at: self.created_at.timestamp_millis(),
            reporter: Reporter {
                account_id: self.reporter_account_id,
                guest_id: self.reporter_guest_id,
                address: self.reporter_address,
            },
            target: ReportedPlayer {
                participant_id: self.target_participant_id,
                account_id: self.target_account_id,
                name: self.target_name,
            },
            room_id: self.room_id,
            room_name: self.room_name,
            reason: self.reason,
            chat: messages_of(self.chat),
            status: ReportStatus::parse(&self.status)
                .ok_or_else(|| corrupt("report status", &self.status))?,
            handled_by: self.handled_by,
            handled_at: self.handled_at.map(|at| at.timestamp_millis()),
        })
    }
}

impl MongoStore {
    fn reports(&self) -> Collection<ReportDocument> {
        self.database.collection("reports")
    }
}

#[async_trait]
impl ReportStore for MongoStore {
    async fn create(&self, report: &Report) -> StoreResult<()> {
        self.reports()
            .insert_one(ReportDocument::of(report))
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn get(&self, id: &str) -> StoreResult<Report> {
        self.reports()
            .find_one(doc! { "_id": id })
            .await
            .map_err(unavailable)?
            .ok_or(StoreError::NotFound("report"))?
            .into_report()
    }

    async fn list(
        &self,
        status: Option<ReportStatus>,
        skip: u64,
        limit: u32,
    ) -> StoreResult<Vec<Report>> {
        let filter = match status {
            Some(status) => doc! { "status": status.as_str() },
            None => Document::new(),
        };
        let documents: Vec<ReportDocument> = self
            .reports()
            .find(filter)
            .sort(doc! { "_id": -1 })
            .skip(skip)
            .limit(i64::from(limit))
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        documents
            .into_iter()
            .map(ReportDocument::into_report)
            .collect()
    }

    async fn close(
        &self,
        id: &str,
        status: ReportStatus,
        by: &str,
        at: UnixMillis,
    ) -> StoreResult<Report> {
        let set = doc! {
            "status": status.as_str(),
            "handledBy": by,
            "handledAt": DateTime::from_millis(at),
        };
        let closed = self
            .reports()
            .find_one_and_update(
                doc! { "_id": id, "status": ReportStatus::Open.as_str() },
                doc! { "$set": set },
            )
            .return_document(ReturnDocument::After)
            .await
            .map_err(unavailable)?;
        match closed {
            Some(document) => document.into_report(),
            // Either it is not there, or another moderator closed it first.
            None => {
                self.get(id).await?;
                Err(StoreError::Conflict { what: "report" })
            }
        }
    }
}
