use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{doc, DateTime, Document},
    Collection,
};
use pianorhythm_core::domain::audit::{AuditAction, AuditEntry, AuditFilter};
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

    async fn search(&self, filter: &AuditFilter) -> StoreResult<Vec<AuditEntry>> {
        let mut query = Document::new();
        if let Some(room_id) = &filter.room_id {
            query.insert("roomId", room_id);
        }
        if let Some(action) = filter.action {
            query.insert("action", action.as_str());
        }
        if let Some(actor_id) = &filter.actor_id {
            query.insert("actorId", actor_id);
        }
        if let Some(target_id) = &filter.target_id {
            query.insert("targetId", target_id);
        }
        let documents: Vec<AuditDocument> = self
            .audit_logs()
            .find(query)
            .sort(doc! { "_id": -1 })
            .skip(filter.skip)
            .limit(i64::from(filter.limit))
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
