//! tower-sessions on top of the sessions port, so a browser's session (its guest identity)
//! survives a restart. The session's data is stored as JSON, opaque to the backends.
//!
//! Only sessions worth keeping are stored: those whose data says so ([`REMEMBER_KEY`], set
//! once the guest joins or creates a room or changes their profile). A visitor who only looked
//! has a session in a bounded map in memory, oldest dropped first, so a script opening
//! connection after connection without a cookie costs no writes and bounded memory.

use std::{collections::HashMap, fmt, num::NonZeroUsize, sync::Arc, time::Duration};

use async_trait::async_trait;
use lru::LruCache;
use parking_lot::Mutex;
use pianorhythm_core::domain::session::SessionRecord;
use pianorhythm_engine::metrics;
use pianorhythm_engine::shutdown::Shutdown;
use pianorhythm_store::{now_millis, ports::SessionRecords, StoreError};
use time::OffsetDateTime;
use tower_sessions::{
    session::{Id, Record},
    session_store, SessionStore,
};

use crate::guest::REMEMBER_KEY;

/// Sessions not worth storing that are kept in memory at most.
pub const PASSING_SESSIONS: usize = 100_000;

/// How often expired sessions are swept away.
const CLEANUP_INTERVAL: Duration = Duration::from_secs(60 * 60);

#[derive(Clone)]
pub struct PersistentSessions {
    /// Where sessions worth keeping are stored.
    records: Arc<dyn SessionRecords>,
    /// The others, in memory.
    passing: Arc<Mutex<Passing>>,
}

/// Sessions of visitors who have done nothing worth remembering. The cache's order is the
/// order they were created in: they are only ever read with `peek` and updated in place, never
/// moved to the front, so the one dropped when full is always the oldest.
struct Passing {
    /// Bounded: past capacity, the oldest session is dropped.
    sessions: LruCache<Id, Record>,
}

impl Passing {
    fn insert(&mut self, record: &Record) {
        match self.sessions.peek_mut(&record.id) {
            Some(kept) => *kept = record.clone(),
            None => {
                self.sessions.push(record.id, record.clone());
            }
        }
    }

    fn remove(&mut self, id: &Id) {
        self.sessions.pop(id);
    }

    fn remove_expired(&mut self, now: OffsetDateTime) {
        let expired: Vec<Id> = self
            .sessions
            .iter()
            .filter(|(_, record)| record.expiry_date <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in &expired {
            self.sessions.pop(id);
        }
    }
}

impl PersistentSessions {
    /// Sessions stored in `records`, with at most `capacity` passing ones in memory (at least
    /// one; the configuration refuses zero anyway).
    pub fn new(records: Arc<dyn SessionRecords>, capacity: usize) -> Self {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        Self {
            records,
            passing: Arc::new(Mutex::new(Passing {
                sessions: LruCache::new(capacity),
            })),
        }
    }

    /// How many sessions are held in memory (not stored).
    pub fn passing(&self) -> usize {
        self.passing.lock().sessions.len()
    }

    /// Deletes expired sessions now and then, until shutdown.
    pub fn spawn_cleanup(&self, shutdown: Shutdown) {
        let records = self.records.clone();
        let passing = self.passing.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(CLEANUP_INTERVAL);
            loop {
                tokio::select! {
                    _ = every.tick() => {}
                    () = shutdown.cancelled() => return,
                }
                passing.lock().remove_expired(OffsetDateTime::now_utc());
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
        if !worth_keeping(record) {
            let mut passing = self.passing.lock();
            while passing.sessions.contains(&record.id) {
                record.id = Id::default();
            }
            passing.insert(record);
            return Ok(());
        }
        loop {
            match metrics::timed("session.create", self.records.create(&encode(record)?)).await {
                Err(StoreError::Conflict { .. }) => record.id = Id::default(),
                other => return other.map_err(backend),
            }
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        if !worth_keeping(record) {
            self.passing.lock().insert(record);
            return Ok(());
        }
        metrics::timed("session.save", self.records.save(&encode(record)?))
            .await
            .map_err(backend)?;
        self.passing.lock().remove(&record.id);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let now = OffsetDateTime::now_utc();
        if let Some(record) = self.passing.lock().sessions.peek(id) {
            return Ok((record.expiry_date > now).then(|| record.clone()));
        }
        let stored = metrics::timed(
            "session.load",
            self.records.load(&id.to_string(), now_millis()),
        )
        .await
        .map_err(backend)?;
        stored.map(|stored| decode(*id, &stored)).transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.passing.lock().remove(id);
        self.records.delete(&id.to_string()).await.map_err(backend)
    }
}

/// Whether the session's data asks to be kept across restarts.
fn worth_keeping(record: &Record) -> bool {
    record.data.get(REMEMBER_KEY) == Some(&serde_json::Value::Bool(true))
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

#[cfg(test)]
mod tests {
    use super::*;
    use pianorhythm_store::{Store, StoreConfig};

    fn record(remember: bool) -> Record {
        let mut data = HashMap::new();
        data.insert("guest".to_owned(), serde_json::json!({"id": "g"}));
        if remember {
            data.insert(REMEMBER_KEY.to_owned(), serde_json::Value::Bool(true));
        }
        Record {
            id: Id::default(),
            data,
            expiry_date: OffsetDateTime::now_utc() + time::Duration::days(30),
        }
    }

    async fn sessions(capacity: usize) -> (PersistentSessions, Store, tempfile::TempDir) {
        let data = tempfile::TempDir::new().unwrap();
        let config = StoreConfig::Embedded {
            data_dir: data.path().into(),
        };
        let store = Store::open(&config).await.unwrap();
        let sessions = PersistentSessions::new(store.sessions.clone(), capacity);
        (sessions, store, data)
    }

    #[tokio::test]
    async fn passing_sessions_stay_in_memory_and_the_oldest_go_first() {
        let (sessions, store, _data) = sessions(3).await;
        let mut ids = Vec::new();
        for _ in 0..5 {
            let mut passing = record(false);
            sessions.create(&mut passing).await.unwrap();
            ids.push(passing.id);
        }
        assert_eq!(sessions.passing(), 3);
        assert!(sessions.load(&ids[0]).await.unwrap().is_none());
        assert!(sessions.load(&ids[4]).await.unwrap().is_some());
        let stored = store.sessions.load(&ids[4].to_string(), now_millis()).await;
        assert!(stored.unwrap().is_none(), "nothing was written");
    }

    #[tokio::test]
    async fn saving_a_passing_session_does_not_make_it_younger() {
        let (sessions, _store, _data) = sessions(2).await;
        let mut oldest = record(false);
        sessions.create(&mut oldest).await.unwrap();
        let mut younger = record(false);
        sessions.create(&mut younger).await.unwrap();
        oldest
            .data
            .insert("seen".to_owned(), serde_json::Value::Bool(true));
        sessions.save(&oldest).await.unwrap();
        let mut newest = record(false);
        sessions.create(&mut newest).await.unwrap();
        assert!(sessions.load(&oldest.id).await.unwrap().is_none());
        assert!(sessions.load(&younger.id).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_session_worth_keeping_moves_to_the_store() {
        let (sessions, store, _data) = sessions(10).await;
        let mut session = record(false);
        sessions.create(&mut session).await.unwrap();
        session
            .data
            .insert(REMEMBER_KEY.to_owned(), serde_json::Value::Bool(true));
        sessions.save(&session).await.unwrap();
        assert_eq!(sessions.passing(), 0);
        let stored = store
            .sessions
            .load(&session.id.to_string(), now_millis())
            .await;
        assert!(stored.unwrap().is_some());
        assert!(sessions.load(&session.id).await.unwrap().is_some());
        let mut kept = record(true);
        sessions.create(&mut kept).await.unwrap();
        assert_eq!(sessions.passing(), 0);
    }
}
