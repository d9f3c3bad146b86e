//! The indexes the queries need, created at start-up (a no-op when they exist).
//!
//! The seed's indexes, adapted: usertag uniqueness (and lookups) ignore case through
//! `usertagLower`; an email, and each provider login, is unique only on documents that have one
//! (partial indexes); room lookups by name use `nameLower`. The seed's text index on sheet
//! music is created only where the server supports text indexes: search itself never depends
//! on it (see `sheets.rs`). Refresh tokens are found by family (to revoke it) and by account,
//! and a TTL index on their expiry removes them once expired. The staff pages filter the audit
//! log by action, actor and target, list reports by status and site bans still in force.

use mongodb::{
    bson::{doc, Document},
    error::ErrorKind,
    options::IndexOptions,
    Database, IndexModel,
};

use super::unavailable;
use crate::StoreResult;

/// Creates every index; returns whether the text index could be made.
pub async fn create(database: &Database) -> StoreResult<bool> {
    let plain = |keys: Document| IndexModel::builder().keys(keys).build();
    let unique = |keys: Document| {
        IndexModel::builder()
            .keys(keys)
            .options(IndexOptions::builder().unique(true).build())
            .build()
    };
    let email = IndexModel::builder()
        .keys(doc! { "email": 1 })
        .options(
            IndexOptions::builder()
                .unique(true)
                .partial_filter_expression(doc! { "email": { "$type": "string" } })
                .build(),
        )
        .build();
    // Multikey: each login in the array is an entry of its own, unique across accounts.
    // Partial, since a unique index would otherwise count every account without a login as
    // one more holder of the same missing value.
    let logins = IndexModel::builder()
        .keys(doc! { "logins": 1 })
        .options(
            IndexOptions::builder()
                .unique(true)
                .partial_filter_expression(doc! { "logins": { "$type": "string" } })
                .build(),
        )
        .build();
    // The server's TTL monitor deletes each token once `expiresAt` has passed.
    let expired_tokens = IndexModel::builder()
        .keys(doc! { "expiresAt": 1 })
        .options(
            IndexOptions::builder()
                .expire_after(std::time::Duration::ZERO)
                .build(),
        )
        .build();
    let wanted: [(&str, Vec<IndexModel>); 15] = [
        (
            "users",
            vec![unique(doc! { "usertagLower": 1 }), email, logins],
        ),
        (
            "rooms",
            vec![
                plain(doc! { "nameLower": 1 }),
                plain(doc! { "type": 1 }),
                plain(doc! { "createdAt": -1 }),
            ],
        ),
        (
            "sheet_music",
            vec![
                plain(doc! { "category": 1 }),
                plain(doc! { "difficulty": 1 }),
                plain(doc! { "createdAt": -1, "_id": -1 }),
            ],
        ),
        (
            "sheet_favorites",
            vec![
                unique(doc! { "userId": 1, "sheetId": 1 }),
                plain(doc! { "sheetId": 1 }),
            ],
        ),
        (
            "chat_messages",
            vec![plain(doc! { "roomId": 1, "_id": -1 })],
        ),
        (
            "audit_logs",
            vec![
                plain(doc! { "roomId": 1, "_id": -1 }),
                plain(doc! { "action": 1, "_id": -1 }),
                plain(doc! { "actorId": 1, "_id": -1 }),
                plain(doc! { "targetId": 1, "_id": -1 }),
            ],
        ),
        ("reports", vec![plain(doc! { "status": 1, "_id": -1 })]),
        (
            "site_bans",
            vec![plain(doc! { "until": 1 }), plain(doc! { "bannedAt": -1 })],
        ),
        ("sessions", vec![plain(doc! { "expiresAt": 1 })]),
        (
            "friendships",
            vec![plain(doc! { "members": 1, "since": -1 })],
        ),
        (
            "direct_messages",
            vec![plain(doc! { "pair": 1, "_id": -1 })],
        ),
        (
            "conversations",
            vec![plain(doc! { "owner": 1, "lastId": -1 })],
        ),
        ("notifications", vec![plain(doc! { "owner": 1, "_id": -1 })]),
        (
            "blocks",
            vec![plain(doc! { "ownerId": 1, "blockedAt": -1 })],
        ),
        (
            "refresh_tokens",
            vec![
                plain(doc! { "family": 1 }),
                plain(doc! { "userId": 1 }),
                expired_tokens,
            ],
        ),
    ];
    for (collection, models) in wanted {
        database
            .collection::<Document>(collection)
            .create_indexes(models)
            .await
            .map_err(unavailable)?;
    }
    create_text_index(database).await
}

/// Detects text-index support by trying: a server without it refuses the command (code 67,
/// CannotCreateIndex, on SecantusDB), which is logged, not fatal. Any other failure is.
async fn create_text_index(database: &Database) -> StoreResult<bool> {
    let text = IndexModel::builder()
        .keys(doc! { "title": "text", "tags": "text" })
        .build();
    match database
        .collection::<Document>("sheet_music")
        .create_index(text)
        .await
    {
        Ok(_) => Ok(true),
        Err(error) if matches!(error.kind.as_ref(), ErrorKind::Command(_)) => {
            tracing::info!(%error, "this MongoDB server has no text indexes; none created");
            Ok(false)
        }
        Err(error) => Err(unavailable(error)),
    }
}
