use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{doc, DateTime, Document},
    Collection,
};
use pianorhythm_core::domain::audit::{AuditAction, AuditEntry};
use serde::{Deserialize, Serialize};

use super::{corrupt, unavailable, MongoStore};
use crate::{ports::AuditLog, StoreResult};

/// One entry; `_id` is the driver's ObjectId, which grows with insertion order.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuditDocument {
    timestamp: DateTime,
    action: String,
    actor_id: Option<String>,
    room_id: Option<String>,
    target_id: Option<String>,
    details: String,
    /// Where the actor acted from; `default` for entries written before it was recorded.
    #[serde(default)]
    address: Option<String>,
    /// The actor's client (`User-Agent`); `default` for entries written before it was recorded.
    #[serde(default)]
    user_agent: Option<String>,
}

impl MongoStore {
    fn audit_logs(&self) -> Collection<AuditDocument> {
        self.database.collection("audit_logs")
    }
}

#[async_trait]
impl AuditLog for MongoStore {
    async fn append(&self, entry: &AuditEntry) -> StoreResult<()> {
        let document = AuditDocument {
            timestamp: DateTime::from_millis(entry.at),
            action: entry.action.as_str().to_owned(),
            actor_id: entry.actor_id.clone(),
            room_id: entry.room_id.clone(),
            target_id: entry.target_id.clone(),
            details: entry.details.clone(),
            address: entry.address.clone(),
            user_agent: entry.user_agent.clone(),
        };
        self.audit_logs()
            .insert_one(document)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn recent(&self, room_id: Option<&str>, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        let filter = match room_id {
            Some(room_id) => doc! { "roomId": room_id },
            None => Document::new(),
        };
        let documents: Vec<AuditDocument> = self
            .audit_logs()
            .find(filter)
            .sort(doc! { "_id": -1 })
            .limit(i64::from(limit))
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        documents
            .into_iter()
            .map(|document| {
                Ok(AuditEntry {
                    at: document.timestamp.timestamp_millis(),
                    action: AuditAction::parse(&document.action)
                        .ok_or_else(|| corrupt("audit action", &document.action))?,
                    actor_id: document.actor_id,
                    room_id: document.room_id,
                    target_id: document.target_id,
                    details: document.details,
                    address: document.address,
                    user_agent: document.user_agent,
                })
            })
            .collect()
    }
}
