//! Server functions for players' reports, the staff pages and staff's site bans and roles: thin adapters to the server's
//! staff service (provided as context), the same one the REST API uses. Fixed endpoints
//! (`/api/<name>`), so API clients and tests can reach them by name.

use leptos::prelude::*;
use pianorhythm_api::{
    account::Profile,
    staff::{AuditView, BanView, ReportForm, ReportView, SiteBanForm},
};

/// The staff service and the request being served.
#[cfg(feature = "ssr")]
fn staff() -> (pianorhythm_api::services::SharedStaff, http::request::Parts) {
    (expect_context(), expect_context())
}

/// Reports another player (guests too); answers the report as filed.
#[server(endpoint = "report_player")]
pub async fn report_player(form: ReportForm) -> Result<ReportView, ServerFnError> {
    let (staff, request) = staff();
    staff
        .report(&request, form)
        .await
        .map_err(ServerFnError::new)
}

/// Moderators: reports of a status ("open", "resolved", "dismissed" or "all"), newest first.
#[server(endpoint = "list_reports")]
pub async fn list_reports(
    status: Option<String>,
    skip: u64,
    limit: u32,
) -> Result<Vec<ReportView>, ServerFnError> {
    let (staff, request) = staff();
    staff
        .reports(&request, status, skip, limit)
        .await
        .map_err(ServerFnError::new)
}

/// Moderators: closes an open report as resolved (`resolved`) or dismissed.
#[server(endpoint = "close_report")]
pub async fn close_report(id: String, resolved: bool) -> Result<ReportView, ServerFnError> {
    let (staff, request) = staff();
    staff
        .close_report(&request, id, resolved)
        .await
        .map_err(ServerFnError::new)
}

/// Moderators: the audit log, newest first; every filter given must match.
#[server(endpoint = "audit_log")]
pub async fn audit_log(
    room_id: Option<String>,
    action: Option<String>,
    actor_id: Option<String>,
    target_id: Option<String>,
    skip: u64,
    limit: u32,
) -> Result<Vec<AuditView>, ServerFnError> {
    let (staff, request) = staff();
    let filter = pianorhythm_api::services::AuditFilterForm {
        room_id,
        action,
        actor_id,
        target_id,
        skip,
        limit,
    };
    staff
        .audit(&request, filter)
        .await
        .map_err(ServerFnError::new)
}

/// Moderators: the site bans in force, newest first.
#[server(endpoint = "bans_in_force")]
pub async fn bans_in_force(skip: u64, limit: u32) -> Result<Vec<BanView>, ServerFnError> {
    let (staff, request) = staff();
    staff
        .bans(&request, skip, limit)
        .await
        .map_err(ServerFnError::new)
}

/// Moderators: bans an account from the site, for a number of seconds or permanently.
#[server(endpoint = "site_ban")]
pub async fn site_ban(form: SiteBanForm) -> Result<(), ServerFnError> {
    let (staff, request) = staff();
    staff
        .site_ban(&request, form)
        .await
        .map_err(ServerFnError::new)
}

/// Moderators: lifts an account's site ban.
#[server(endpoint = "lift_ban")]
pub async fn lift_ban(account_id: String) -> Result<(), ServerFnError> {
    let (staff, request) = staff();
    staff
        .lift_ban(&request, account_id)
        .await
        .map_err(ServerFnError::new)
}

/// Admins: sets an account's roles; answers its profile as it now is.
#[server(endpoint = "set_roles", input = leptos::server_fn::codec::Json)]
pub async fn set_roles(account_id: String, roles: Vec<String>) -> Result<Profile, ServerFnError> {
    let (staff, request) = staff();
    staff
        .set_roles(&request, account_id, roles)
        .await
        .map_err(ServerFnError::new)
}
