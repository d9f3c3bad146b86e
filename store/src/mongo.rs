//! The MongoDB backend, through the official `mongodb` driver.
//!
//! Collections: `users`, `rooms`, `sheet_music`, `audit_logs` (the seed's), plus
//! `sheet_favorites`, `chat_messages`, `sessions`, `refresh_tokens`, `reports`, `site_bans`,
//! `blocks`, `friendships` and `last_seen`. Indexes are created at start-up; creating an
//! index that exists is a no-op, so this is idempotent. Case-insensitive lookups use
//! lower-cased copies (`usertagLower`, `nameLower`...) computed by the server, so "ignoring
//! case" means the same as on SQLite and no user text is ever a pattern.

mod audit;
mod blocks;
mod chat;
mod friends;
mod inbox;
mod indexes;
mod recipient;
mod reports;
mod rooms;
mod sessions;
mod sheets;
mod site_bans;
mod tokens;
mod users;

use async_trait::async_trait;
use mongodb::{
    bson::doc,
    error::{ErrorKind, WriteFailure},
    options::{Acknowledgment, ClientOptions, WriteConcern},
    Client, Database,
};

use super::{ports::Health, StoreError, StoreResult};

/// How long an operation waits for a reachable server before failing (the driver's default,
/// 30 s, would leave start-up and `/ready` hanging).
const SERVER_SELECTION_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// MongoDB's code for a duplicate key in a unique index.
const DUPLICATE_KEY: i32 = 11000;

#[derive(Clone, Debug)]
pub struct MongoStore {
    database: Database,
    /// Whether the server supports text indexes (SecantusDB, for one, does not).
    pub text_index: bool,
}

impl MongoStore {
    /// Connects, checks the server answers, and creates the indexes.
    pub async fn open(uri: &str, database: &str) -> StoreResult<Self> {
        let mut options = ClientOptions::parse(uri).await.map_err(unavailable)?;
        if options.write_concern.is_none() {
            // Acknowledged means journaled (and, on a replica set, on a majority): a write the
            // server confirmed survives the server's crash. The URI may choose otherwise.
            options.write_concern = Some(
                WriteConcern::builder()
                    .w(Acknowledgment::Majority)
                    .journal(true)
                    .build(),
            );
        }
        options
            .server_selection_timeout
            .get_or_insert(SERVER_SELECTION_TIMEOUT);
        let client = Client::with_options(options).map_err(unavailable)?;
        let database = client.database(database);
        database
            .run_command(doc! { "ping": 1 })
            .await
            .map_err(unavailable)?;
        let text_index = indexes::create(&database).await?;
        Ok(Self {
            database,
            text_index,
        })
    }
}

#[async_trait]
impl Health for MongoStore {
    async fn ping(&self) -> StoreResult<()> {
        self.database
            .run_command(doc! { "ping": 1 })
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

fn unavailable(error: mongodb::error::Error) -> StoreError {
    StoreError::Unavailable(error.to_string())
}

/// A duplicate key in a unique index on one of `fields` (the field's name as it appears in
/// the server's message, what the user calls it) becomes a `Conflict`.
fn conflict_on(error: mongodb::error::Error, fields: &[(&str, &'static str)]) -> StoreError {
    let duplicate = match error.kind.as_ref() {
        ErrorKind::Write(WriteFailure::WriteError(write)) if write.code == DUPLICATE_KEY => {
            Some(write.message.as_str())
        }
        ErrorKind::Command(command) if command.code == DUPLICATE_KEY => {
            Some(command.message.as_str())
        }
        _ => None,
    };
    match duplicate {
        // "E11000 duplicate key error collection: db.users index: usertagLower_1 dup key: ..."
        // Only the index name is looked at: the duplicate value may contain any text.
        Some(message) => match fields
            .iter()
            .find(|(field, _)| index_name(message).contains(field))
        {
            Some((_, what)) => StoreError::Conflict { what },
            None => StoreError::Conflict { what: "value" },
        },
        None => unavailable(error),
    }
}

fn index_name(message: &str) -> &str {
    message
        .split_once("index: ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .unwrap_or(message)
}

/// Whether `error` is a duplicate key.
fn is_duplicate(error: &mongodb::error::Error) -> bool {
    matches!(conflict_on(error.clone(), &[]), StoreError::Conflict { .. })
}

/// A stored value the domain does not know.
fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Unavailable(format!("unknown {what} {value:?} in the database"))
}
