use async_trait::async_trait;
use futures_util::TryStreamExt;
use mongodb::{
    bson::{doc, DateTime},
    Collection,
};
use pianorhythm_core::domain::{report::SiteBan, UnixMillis};
use serde::{Deserialize, Serialize};

use super::{unavailable, MongoStore};
use crate::{ports::SiteBans, StoreResult};

/// One banned account; `_id` is the account's id, so an account has one ban at most.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SiteBanDocument {
    #[serde(rename = "_id")]
    account_id: String,
    display_name: String,
    banned_at: DateTime,
    until: DateTime,
    reason: String,
    banned_by: String,
}

impl MongoStore {
    fn site_bans(&self) -> Collection<SiteBanDocument> {
        self.database.collection("site_bans")
    }
}

#[async_trait]
impl SiteBans for MongoStore {
    async fn record(&self, ban: &SiteBan) -> StoreResult<()> {
        let document = SiteBanDocument {
            account_id: ban.account_id.clone(),
            display_name: ban.display_name.clone(),
            banned_at: DateTime::from_millis(ban.at),
            until: DateTime::from_millis(ban.until),
            reason: ban.reason.clone(),
            banned_by: ban.by.clone(),
        };
        self.site_bans()
            .replace_one(doc! { "_id": &ban.account_id }, document)
            .upsert(true)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn lift(&self, account_id: &str) -> StoreResult<()> {
        self.site_bans()
            .delete_one(doc! { "_id": account_id })
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn in_force(&self, now: UnixMillis, skip: u64, limit: u32) -> StoreResult<Vec<SiteBan>> {
        let documents: Vec<SiteBanDocument> = self
            .site_bans()
            .find(doc! { "until": { "$gt": DateTime::from_millis(now) } })
            .sort(doc! { "bannedAt": -1, "_id": -1 })
            .skip(skip)
            .limit(i64::from(limit))
            .await
            .map_err(unavailable)?
            .try_collect()
            .await
            .map_err(unavailable)?;
        Ok(documents.into_iter().map(SiteBanDocument::ban).collect())
    }

    async fn of(&self, account_id: &str) -> StoreResult<Option<SiteBan>> {
        let document = self
            .site_bans()
            .find_one(doc! { "_id": account_id })
            .await
            .map_err(unavailable)?;
        Ok(document.map(SiteBanDocument::ban))
    }
}

impl SiteBanDocument {
    fn ban(self) -> SiteBan {
        SiteBan {
            account_id: self.account_id,
            display_name: self.display_name,
            at: self.banned_at.timestamp_millis(),
            until: self.until.timestamp_millis(),
            reason: self.reason,
            by: self.banned_by,
        }
    }
}
