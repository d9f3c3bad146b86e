//! [`Reports`] and the staff reads and actions of [`Accounts`] (site bans, roles) as the pages'
//! server functions see them ([`StaffService`]): each call finds the caller of the request it
//! serves, then asks the same services the REST API does.

use axum::http::request::Parts;
use pianorhythm_api::{
    account::Profile,
    services::{AuditFilterForm, StaffService},
    staff::{AuditView, BanView, ReportForm, ReportView, SiteBanForm},
};
use pianorhythm_core::domain::report::ReportStatus;

use super::Reports;
use crate::accounts::{Accounts, AuditQuery, Caller};

/// The services with what it takes to know who is asking.
#[derive(Clone)]
pub struct StaffPages {
    /// Players' reports.
    pub reports: Reports,
    /// The audit log and bans, and who is asking, from the request's session.
    pub accounts: Accounts,
}

impl StaffPages {
    async fn caller(&self, request: &Parts) -> Result<Caller, String> {
        Ok(self.accounts.caller_of(request).await?.1)
    }
}

#[async_trait::async_trait]
impl StaffService for StaffPages {
    async fn report(&self, request: &Parts, form: ReportForm) -> Result<ReportView, String> {
        let caller = self.caller(request).await?;
        let report = self.reports.report(&caller, form).await;
        report.map_err(|error| error.to_string())
    }

    async fn reports(
        &self,
        request: &Parts,
        status: Option<String>,
        skip: u64,
        limit: u32,
    ) -> Result<Vec<ReportView>, String> {
        let caller = self.caller(request).await?;
        let reports = self.reports.list(&caller, status.as_deref(), skip, limit);
        reports.await.map_err(|error| error.to_string())
    }

    async fn close_report(
        &self,
        request: &Parts,
        id: String,
        resolved: bool,
    ) -> Result<ReportView, String> {
        let caller = self.caller(request).await?;
        let status = match resolved {
            true => ReportStatus::Resolved,
            false => ReportStatus::Dismissed,
        };
        let closed = self.reports.close(&caller, &id, status).await;
        closed.map_err(|error| error.to_string())
    }

    async fn audit(
        &self,
        request: &Parts,
        filter: AuditFilterForm,
    ) -> Result<Vec<AuditView>, String> {
        let caller = self.caller(request).await?;
        let query = AuditQuery {
            room_id: filter.room_id,
            action: filter.action,
            actor_id: filter.actor_id,
            target_id: filter.target_id,
            skip: filter.skip,
            limit: filter.limit,
        };
        let entries = self.accounts.audit_views(&caller, query).await;
        entries.map_err(|error| error.to_string())
    }

    async fn bans(&self, request: &Parts, skip: u64, limit: u32) -> Result<Vec<BanView>, String> {
        let caller = self.caller(request).await?;
        let bans = self.accounts.ban_views(&caller, skip, limit).await;
        bans.map_err(|error| error.to_string())
    }

    async fn site_ban(&self, request: &Parts, form: SiteBanForm) -> Result<(), String> {
        let caller = self.caller(request).await?;
        let length = Accounts::asked_ban_length(form.duration_seconds, form.permanent)
            .map_err(|error| error.to_string())?;
        let ban = self
            .accounts
            .site_ban(&caller, &form.account_id, Some(length), &form.reason);
        ban.await.map_err(|error| error.to_string())
    }

    async fn lift_ban(&self, request: &Parts, account_id: String) -> Result<(), String> {
        let caller = self.caller(request).await?;
        let lifted = self.accounts.site_ban(&caller, &account_id, None, "").await;
        lifted.map_err(|error| error.to_string())
    }

    async fn set_roles(
        &self,
        request: &Parts,
        account_id: String,
        roles: Vec<String>,
    ) -> Result<Profile, String> {
        let caller = self.caller(request).await?;
        let saved = self.accounts.set_roles(&caller, &account_id, &roles).await;
        saved.map_err(|error| error.to_string())
    }
}
