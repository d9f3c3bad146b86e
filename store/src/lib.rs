//! Persistence: users, rooms that persist, chat history, sheet music, the audit log,
//! sessions, API refresh tokens, player reports, site bans, members' blocks, friends, direct
//! messages and notifications,
//! behind one small trait per aggregate ([`ports`]).
//!
//! Two backends implement every port: SQLite under `DATA_DIR` (the default: one machine, no
//! database server) and MongoDB (when `MONGODB_URI` is set). One contract test suite holds both
//! to the same behaviour. The rest of the server sees only [`Store`] and [`StoreError`].
//!
//! Layout:
//! - [`ports`]: the traits, one per aggregate, that every backend implements.
//! - `error`: the one error type of the layer, [`StoreError`] (re-exported here).
//! - [`ids`]: record ids, the same ObjectId-shaped ones on both backends (the engine's).
//! - `chat_lines`: a report's chat lines as both backends keep them.
//! - `room_records`: the engine's `RoomRecords` (what rooms keep) over these ports.
//! - [`sqlite`]: the embedded backend, with its migrations (`migrations/sqlite`).
//! - [`mongo`]: the MongoDB backend, with the indexes it creates at start-up.

mod chat_lines;
mod error;
pub mod mongo;
pub mod ports;
mod room_records;
pub mod sqlite;

use std::{path::PathBuf, sync::Arc};

pub use error::{StoreError, StoreResult};
pub use pianorhythm_engine::ids;
use ports::{
    AuditLog, BlockStore, ChatStore, FriendStore, Health, MessageStore, NotificationStore,
    RefreshTokens, ReportStore, RoomStore, SessionRecords, SheetMusicStore, SiteBans, UserStore,
};

/// Which backend to open, from the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreConfig {
    /// SQLite files in this folder (`DATA_DIR`).
    Embedded { data_dir: PathBuf },
    /// A MongoDB server (`MONGODB_URI`) and database (`MONGODB_DATABASE`).
    MongoDb { uri: String, database: String },
}

/// A backend: something that implements every port.
pub trait Backend:
    UserStore
    + RoomStore
    + ChatStore
    + SheetMusicStore
    + AuditLog
    + SessionRecords
    + RefreshTokens
    + ReportStore
    + SiteBans
    + BlockStore
    + FriendStore
    + MessageStore
    + NotificationStore
    + Health
    + 'static
{
}

impl<T> Backend for T where
    T: UserStore
        + RoomStore
        + ChatStore
        + SheetMusicStore
        + AuditLog
        + SessionRecords
        + RefreshTokens
        + ReportStore
        + SiteBans
        + BlockStore
        + FriendStore
        + MessageStore
        + NotificationStore
        + Health
        + 'static
{
}

/// Every port of one backend, each usable on its own.
#[derive(Clone)]
pub struct Store {
    /// Accounts, their logins and profiles.
    pub users: Arc<dyn UserStore>,
    /// Rooms that outlive their last player.
    pub rooms: Arc<dyn RoomStore>,
    /// Each room's chat history.
    pub chat: Arc<dyn ChatStore>,
    /// The sheet music library.
    pub sheets: Arc<dyn SheetMusicStore>,
    /// What moderators did, and where.
    pub audit: Arc<dyn AuditLog>,
    /// Browser sessions worth keeping across restarts.
    pub sessions: Arc<dyn SessionRecords>,
    /// The API's refresh tokens.
    pub refresh_tokens: Arc<dyn RefreshTokens>,
    /// Players' reports about other players.
    pub reports: Arc<dyn ReportStore>,
    /// Why and by whom accounts were banned from the site.
    pub site_bans: Arc<dyn SiteBans>,
    /// Whom each member blocks.
    pub blocks: Arc<dyn BlockStore>,
    /// Friendships, requests, and when members were last seen.
    pub friends: Arc<dyn FriendStore>,
    /// Direct messages and conversations.
    pub messages: Arc<dyn MessageStore>,
    /// What members are told about.
    pub notifications: Arc<dyn NotificationStore>,
    /// Whether the backend answers, for readiness.
    pub health: Arc<dyn Health>,
    /// "sqlite" or "mongodb", for logs.
    pub backend: &'static str,
}

impl Store {
    pub async fn open(config: &StoreConfig) -> StoreResult<Self> {
        match config {
            StoreConfig::Embedded { data_dir } => {
                let store = sqlite::SqliteStore::open(data_dir).await?;
                Ok(Self::of(Arc::new(store), "sqlite"))
            }
            StoreConfig::MongoDb { uri, database } => {
                let store = mongo::MongoStore::open(uri, database).await?;
                Ok(Self::of(Arc::new(store), "mongodb"))
            }
        }
    }

    pub fn of<B: Backend>(backend: Arc<B>, name: &'static str) -> Self {
        Self {
            users: backend.clone(),
            rooms: backend.clone(),
            chat: backend.clone(),
            sheets: backend.clone(),
            audit: backend.clone(),
            sessions: backend.clone(),
            refresh_tokens: backend.clone(),
            reports: backend.clone(),
            site_bans: backend.clone(),
            blocks: backend.clone(),
            friends: backend.clone(),
            messages: backend.clone(),
            notifications: backend.clone(),
            health: backend,
            backend: name,
        }
    }
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

/// The time records are stamped with.
pub use pianorhythm_engine::clock::now_millis;
