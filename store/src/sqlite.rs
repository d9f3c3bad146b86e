//! The embedded default store: SQLite in `DATA_DIR`, through sqlx.
//!
//! Crash safety: write-ahead logging with `synchronous = FULL`, so a transaction is on disk
//! (fsync'd) before a write returns; `kill -9` or a power cut loses nothing acknowledged.
//! sqlx runs each connection on its own worker thread, so SQLite's blocking calls never run on
//! the async runtime's threads. Readers do not block the writer under WAL; SQLite has one
//! writer at a time, which `busy_timeout` queues up.

mod audit;
mod blocks;
mod chat;
mod friends;
mod grouped;
mod inbox;
mod message_writer;
mod recipient;
mod reports;
mod rooms;
mod sessions;
mod sheets;
mod site_bans;
mod tokens;
mod unread;
mod users;

use std::{path::Path, time::Duration};

use async_trait::async_trait;
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    ConnectOptions, SqlitePool,
};

use super::{ports::Health, StoreError, StoreResult};

/// The database file inside `DATA_DIR`.
pub const DATABASE_FILE: &str = "pianorhythm.sqlite3";
/// Readers work in parallel under WAL; more connections than cores would only contend.
const MAX_CONNECTIONS: u32 = 4;
/// How long a writer waits for another to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Writes direct messages in groups, one commit for those sent at once.
    messages: grouped::Grouped<message_writer::MessageWriter>,
    /// Reads the recipients of direct messages in groups, one statement for those sent at once.
    recipients: grouped::Grouped<recipient::RecipientReader>,
}

impl SqliteStore {
    /// Opens (creating if needed) the database in `data_dir` and brings its schema up to date.
    pub async fn open(data_dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(data_dir).map_err(|error| {
            StoreError::Unavailable(format!("cannot create {}: {error}", data_dir.display()))
        })?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join(DATABASE_FILE))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            // A database file cannot hang up: pinging a connection before each query would
            // cost a round trip to its worker thread and tell nothing.
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .map_err(unavailable)?;
        migrate(&pool).await?;
        let connection = options.connect().await.map_err(unavailable)?;
        let messages = grouped::Grouped::start(message_writer::MessageWriter { connection });
        let recipients = grouped::Grouped::start(recipient::RecipientReader { pool: pool.clone() });
        Ok(Self {
            pool,
            messages,
            recipients,
        })
    }
}

/// Brings the schema up to date. Instances sharing `DATA_DIR` may start together: each
/// migration is one transaction, and SQLite lets one writer at a time, so the second to arrive
/// finds its migration already applied and fails without changing anything; asked again, it
/// finds nothing left to do.
async fn migrate(pool: &SqlitePool) -> StoreResult<()> {
    const ATTEMPTS: u32 = 3;
    let mut attempt = 1;
    loop {
        match sqlx::migrate!("./migrations/sqlite").run(pool).await {
            Ok(()) => return Ok(()),
            Err(error) if attempt < ATTEMPTS => {
                tracing::info!(%error, "another instance may be migrating; asking again");
                tokio::time::sleep(Duration::from_millis(200)).await;
                attempt += 1;
            }
            Err(error) => {
                return Err(StoreError::Unavailable(format!(
                    "migrating the database: {error}"
                )))
            }
        }
    }
}

#[async_trait]
impl Health for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

/// Any failure of the database itself.
fn unavailable(error: sqlx::Error) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

/// A unique constraint on one of `fields` (column name, what the user calls it) becomes a
/// `Conflict` naming it; anything else is `Unavailable`.
fn conflict_on(error: sqlx::Error, fields: &[(&str, &'static str)]) -> StoreError {
    if let sqlx::Error::Database(database) = &error {
        if database.is_unique_violation() {
            let message = database.message();
            if let Some((_, what)) = fields.iter().find(|(column, _)| message.contains(column)) {
                return StoreError::Conflict { what };
            }
        }
    }
    unavailable(error)
}

/// A stored value the domain does not know (a role or format from a newer version, or a
/// hand-edited row).
fn corrupt(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("unknown {what} {value:?} in the database").into())
}
