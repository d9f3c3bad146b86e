//! What the staff pages read about accounts: the audit log by filter, and the site bans in
//! force with why and by whom (and what a banned player is told of their own). Both are read from the store on every request (no caching), so
//! what staff did a moment ago is there.

use pianorhythm_api::staff::{AuditView, BanView};
use pianorhythm_core::domain::{
    audit::{AuditAction, AuditEntry, AuditFilter},
    report::SiteBan,
    user::User,
    UnixMillis,
};
use pianorhythm_engine::policy::{self, Action};
use pianorhythm_store::now_millis;

use tower_sessions::Session;

use super::{service::signed_in_account, Accounts, Caller};
use crate::service_error::ServiceError;

/// The most entries or bans one page holds.
pub const MAX_PAGE: u32 = 200;

/// What the audit log is asked for, as the API and server functions send it.
#[derive(Clone, Debug, Default)]
pub struct AuditQuery {
    /// Only this room's entries.
    pub room_id: Option<String>,
    /// Only this action, by its stored name (e.g. `site_banned`).
    pub action: Option<String>,
    /// Only what this account or guest did.
    pub actor_id: Option<String>,
    /// Only what was done to this account, player, sheet or report.
    pub target_id: Option<String>,
    /// How many matching entries, newest first, to pass over.
    pub skip: u64,
    /// How many at most (1 to [`MAX_PAGE`]).
    pub limit: u32,
}

impl Accounts {
    /// The newest audit entries that match the query, for moderators.
    pub async fn audit_log(
        &self,
        caller: &Caller,
        query: AuditQuery,
    ) -> Result<Vec<AuditEntry>, ServiceError> {
        policy::require(caller.role(), Action::ReadAuditLog)?;
        let action = query
            .action
            .filter(|name| !name.is_empty())
            .map(|name| {
                AuditAction::parse(&name).ok_or_else(|| {
                    ServiceError::field("action", format!("{name:?} is not an action"))
                })
            })
            .transpose()?;
        let filter = AuditFilter {
            room_id: query.room_id.filter(|id| !id.is_empty()),
            action,
            actor_id: query.actor_id.filter(|id| !id.is_empty()),
            target_id: query.target_id.filter(|id| !id.is_empty()),
            skip: query.skip,
            limit: query.limit.clamp(1, MAX_PAGE),
        };
        Ok(self.inner.audit.search(&filter).await?)
    }

    /// The site bans in force now, newest first, for moderators.
    pub async fn bans_in_force(
        &self,
        caller: &Caller,
        skip: u64,
        limit: u32,
    ) -> Result<Vec<SiteBan>, ServiceError> {
        policy::require(caller.role(), Action::BanFromSite)?;
        let bans = self
            .inner
            .site_bans
            .in_force(now_millis(), skip, limit.clamp(1, MAX_PAGE));
        Ok(bans.await?)
    }

    /// [`Accounts::audit_log`] as the API and the staff pages show it.
    pub async fn audit_views(
        &self,
        caller: &Caller,
        query: AuditQuery,
    ) -> Result<Vec<AuditView>, ServiceError> {
        let entries = self.audit_log(caller, query).await?;
        Ok(entries
            .into_iter()
            .map(|entry| AuditView {
                at: entry.at,
                action: entry.action.as_str().to_owned(),
                actor_id: entry.actor_id,
                room_id: entry.room_id,
                target_id: entry.target_id,
                details: entry.details,
                address: entry.address,
                user_agent: entry.user_agent,
            })
            .collect())
    }

    /// [`Accounts::bans_in_force`] as the API and the staff pages show them.
    pub async fn ban_views(
        &self,
        caller: &Caller,
        skip: u64,
        limit: u32,
    ) -> Result<Vec<BanView>, ServiceError> {
        let bans = self.bans_in_force(caller, skip, limit).await?;
        Ok(bans
            .into_iter()
            .map(|ban| BanView {
                account_id: ban.account_id,
                display_name: ban.display_name,
                at: ban.at,
                until: ban.until,
                reason: ban.reason,
                by: ban.by,
            })
            .collect())
    }

    /// The account's site ban as recorded, to tell its player why and until when; none when
    /// there is none or it cannot be read now (the player is then told only that they are
    /// banned: the ban itself is the account's and holds either way).
    pub async fn site_ban_of(&self, account_id: &str) -> Option<SiteBan> {
        match self.inner.site_bans.of(account_id).await {
            Ok(ban) => ban,
            Err(error) => {
                tracing::warn!(%error, "cannot read a site ban to tell its player");
                None
            }
        }
    }

    /// [`Accounts::site_ban_of`] the account `session` is signed in to.
    pub async fn site_ban_of_session(&self, session: &Session) -> Option<SiteBan> {
        let account = signed_in_account(session).await?;
        self.site_ban_of(&account).await
    }

    /// Keeps why and by whom `target` was banned until `until`, or forgets it when lifted.
    pub(super) async fn keep_ban_record(
        &self,
        caller: &Caller,
        target: &User,
        until: Option<UnixMillis>,
        reason: String,
    ) -> Result<(), ServiceError> {
        let Some(until) = until else {
            return Ok(self.inner.site_bans.lift(&target.id).await?);
        };
        let ban = SiteBan {
            account_id: target.id.clone(),
            display_name: target.username.clone(),
            at: now_millis(),
            until,
            reason,
            by: caller.identity.id().to_owned(),
        };
        Ok(self.inner.site_bans.record(&ban).await?)
    }
}
