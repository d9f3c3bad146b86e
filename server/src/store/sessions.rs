//! tower-sessions on top of the sessions port, so a browser's session (its guest identity)
//! survives a restart. The session's data is stored as JSON, opaque to the backends.

use std::{collections::HashMap, fmt, sync::Arc, time::Duration};

use async_trait::async_trait;
use pianorhythm_core::domain::session::SessionRecord;
use time::OffsetDateTime;
use tower_sessions::{
    session::{Id, Record},
    session_store, SessionStore,
};

use super::{now_millis, ports::SessionRecords, StoreError};
use crate::shutdown::Shutdown;

/// How often expired sessions are swept away.
const CLEANUP_INTERVAL: Duration = Duration::from_secs(60 * 60);

#[derive(Clone)]
pub struct PersistentSessions {
    records: Arc<dyn SessionRecords>,
}

impl PersistentSessions {
    pub fn new(records: Arc<dyn SessionRecords>) -> Self {
        Self { records }
    }

    /// Deletes expired sessions now and then, until shutdown.
    pub fn spawn_cleanup(&self, shutdown: Shutdown) {
        let records = self.records.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(CLEANUP_INTERVAL);
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    () = shutdown.cancelled() => return,
                }
                match records.delete_expired(now_millis()).await {
                    Ok(deleted) => tracing::debug!(deleted, "expired sessions removed"),
                    Err(error) => tracing::warn!(%error, "cannot remove expired sessions"),
                }
            }
        });
    }
}

impl fmt::Debug for PersistentSessions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersistentSessions")
    }
}

#[async_trait]
impl SessionStore for PersistentSessions {
    /// Stores a new session, drawing another id in the (astronomically unlikely) event that
    /// the random one is taken.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        loop {
            match self.records.create(&encode(record)?).await {
                Err(StoreError::Conflict { .. }) => record.id = Id::default(),
                other => return other.map_err(backend),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.records.save(&encode(record)?).await.map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let stored = self
            .records
            .load(&id.to_string(), now_millis())
            .await
            .map_err(backend)?;
        stored.map(|stored| decode(*id, &stored)).transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.records.delete(&id.to_string()).await.map_err(backend)
    }
}

fn backend(error: StoreError) -> session_store::Error {
    session_store::Error::Backend(error.to_string())
}

fn encode(record: &Record) -> session_store::Result<SessionRecord> {
    let data = serde_json::to_vec(&record.data)
        .map_err(|error| session_store::Error::Encode(error.to_string()))?;
    Ok(SessionRecord {
        id: record.id.to_string(),
        data,
        expires_at: (record.expiry_date.unix_timestamp_nanos() / 1_000_000) as i64,
    })
}

fn decode(id: Id, stored: &SessionRecord) -> session_store::Result<Record> {
    let decode_error = |error: String| session_store::Error::Decode(error);
    let data: HashMap<String, serde_json::Value> =
        serde_json::from_slice(&stored.data).map_err(|error| decode_error(error.to_string()))?;
    let expiry_date =
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(stored.expires_at) * 1_000_000)
            .map_err(|error| decode_error(error.to_string()))?;
    Ok(Record {
        id,
        data,
        expiry_date,
    })
}
