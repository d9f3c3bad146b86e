use async_trait::async_trait;
use mongodb::{
    bson::{doc, spec::BinarySubtype, Binary, DateTime},
    Collection,
};
use pianorhythm_core::domain::{session::SessionRecord, UnixMillis};
use serde::{Deserialize, Serialize};

use super::{conflict_on, unavailable, MongoStore};
use crate::{ports::SessionRecords, StoreResult};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionDocument {
    #[serde(rename = "_id")]
    id: String,
    data: Binary,
    expires_at: DateTime,
}

impl SessionDocument {
    fn from_record(record: &SessionRecord) -> Self {
        Self {
            id: record.id.clone(),
            data: Binary {
                subtype: BinarySubtype::Generic,
                bytes: record.data.clone(),
            },
            expires_at: DateTime::from_millis(record.expires_at),
        }
    }
}

impl MongoStore {
    fn sessions(&self) -> Collection<SessionDocument> {
        self.database.collection("sessions")
    }
}

#[async_trait]
impl SessionRecords for MongoStore {
    async fn create(&self, record: &SessionRecord) -> StoreResult<()> {
        self.sessions()
            .insert_one(SessionDocument::from_record(record))
            .await
            .map_err(|error| conflict_on(error, &[("_id", "session id")]))?;
        Ok(())
    }

    async fn save(&self, record: &SessionRecord) -> StoreResult<()> {
        self.sessions()
            .replace_one(
                doc! { "_id": &record.id },
                SessionDocument::from_record(record),
            )
            .upsert(true)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn load(&self, id: &str, now: UnixMillis) -> StoreResult<Option<SessionRecord>> {
        let found = self
            .sessions()
            .find_one(doc! { "_id": id, "expiresAt": { "$gt": DateTime::from_millis(now) } })
            .await
            .map_err(unavailable)?;
        Ok(found.map(|document| SessionRecord {
            id: document.id,
            data: document.data.bytes,
            expires_at: document.expires_at.timestamp_millis(),
        }))
    }

    async fn delete(&self, id: &str) -> StoreResult<()> {
        self.sessions()
            .delete_one(doc! { "_id": id })
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn delete_expired(&self, now: UnixMillis) -> StoreResult<u64> {
        let deleted = self
            .sessions()
            .delete_many(doc! { "expiresAt": { "$lte": DateTime::from_millis(now) } })
            .await
            .map_err(unavailable)?;
        Ok(deleted.deleted_count)
    }
}
