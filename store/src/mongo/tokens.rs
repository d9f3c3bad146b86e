use async_trait::async_trait;
use mongodb::{
    bson::{doc, DateTime},
    Collection,
};
use pianorhythm_core::domain::{
    auth::{Redeemed, RefreshToken},
    UnixMillis,
};
use serde::{Deserialize, Serialize};

use super::{conflict_on, unavailable, MongoStore};
use crate::{ports::RefreshTokens, StoreResult};

/// One refresh token, keyed by its hash.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenDocument {
    #[serde(rename = "_id")]
    hash: String,
    family: String,
    user_id: String,
    /// A TTL index removes the document once this has passed.
    expires_at: DateTime,
    /// When its family began. Absent on tokens stored before it: counted from `expires_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    family_started_at: Option<DateTime>,
    /// Set when the token is redeemed; the document stays, so presenting it again is seen
    /// as reuse.
    used: bool,
    /// Set when its family (reuse) or its account (sign-out) is revoked.
    revoked: bool,
}

impl TokenDocument {
    fn into_token(self) -> RefreshToken {
        RefreshToken {
            hash: self.hash,
            family: self.family,
            user_id: self.user_id,
            expires_at: self.expires_at.timestamp_millis(),
            family_started_at: self
                .family_started_at
                .unwrap_or(self.expires_at)
                .timestamp_millis(),
        }
    }
}

impl MongoStore {
    fn refresh_tokens(&self) -> Collection<TokenDocument> {
        self.database.collection("refresh_tokens")
    }
}

#[async_trait]
impl RefreshTokens for MongoStore {
    async fn insert(&self, token: &RefreshToken) -> StoreResult<()> {
        let document = TokenDocument {
            hash: token.hash.clone(),
            family: token.family.clone(),
            user_id: token.user_id.clone(),
            expires_at: DateTime::from_millis(token.expires_at),
            family_started_at: Some(DateTime::from_millis(token.family_started_at)),
            used: false,
            revoked: false,
        };
        self.refresh_tokens()
            .insert_one(document)
            .await
            .map_err(|error| conflict_on(error, &[("_id", "refresh token")]))?;
        Ok(())
    }

    async fn redeem(&self, hash: &str, now: UnixMillis) -> StoreResult<Redeemed> {
        // One conditional update of one document, which the server applies atomically: of two
        // presenting the token at once, only one still finds it unused.
        let usable = doc! {
            "_id": hash,
            "used": false,
            "revoked": false,
            "expiresAt": { "$gt": DateTime::from_millis(now) },
        };
        let fresh = self
            .refresh_tokens()
            .find_one_and_update(usable, doc! { "$set": { "used": true } })
            .await
            .map_err(unavailable)?;
        if let Some(document) = fresh {
            return Ok(Redeemed::Fresh(document.into_token()));
        }
        // A used token presented again was copied: its whole family goes (expired or not,
        // since its successors may still be live). Anything else is simply invalid.
        let reused = self
            .refresh_tokens()
            .find_one(doc! { "_id": hash, "used": true, "revoked": false })
            .await
            .map_err(unavailable)?;
        let Some(document) = reused else {
            return Ok(Redeemed::Invalid);
        };
        self.refresh_tokens()
            .update_many(
                doc! { "family": &document.family },
                doc! { "$set": { "revoked": true } },
            )
            .await
            .map_err(unavailable)?;
        Ok(Redeemed::Reused(document.into_token()))
    }

    async fn revoke_user(&self, user_id: &str) -> StoreResult<u64> {
        let revoke = doc! { "$set": { "revoked": true } };
        // The live tokens first, which counts them; then the used ones, so that presenting one
        // after sign-out is invalid rather than reuse.
        let live = self
            .refresh_tokens()
            .update_many(
                doc! { "userId": user_id, "used": false, "revoked": false },
                revoke.clone(),
            )
            .await
            .map_err(unavailable)?;
        self.refresh_tokens()
            .update_many(doc! { "userId": user_id, "revoked": false }, revoke)
            .await
            .map_err(unavailable)?;
        Ok(live.modified_count)
    }

    async fn delete_expired(&self, now: UnixMillis) -> StoreResult<u64> {
        // The TTL index does this on its own; asked, it is done now (and on servers whose
        // TTL monitor runs rarely or not at all).
        let deleted = self
            .refresh_tokens()
            .delete_many(doc! { "expiresAt": { "$lte": DateTime::from_millis(now) } })
            .await
            .map_err(unavailable)?;
        Ok(deleted.deleted_count)
    }
}
