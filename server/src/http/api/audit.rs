//! `/api/v1/audit`: the audit log for moderators, newest first, filtered by room, action,
//! actor and target, a page at a time.

use axum::{extract::State, Json};
use pianorhythm_api::staff::AuditView;
use serde::Deserialize;
use utoipa::IntoParams;

use super::extract::QueryParams;
use crate::{
    accounts::{Accounts, AuditQuery, Caller},
    error::ApiError,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Only this room's entries.
    room: Option<String>,
    /// Only this action (e.g. `site_banned`).
    action: Option<String>,
    /// Only what this account or guest did.
    actor: Option<String>,
    /// Only what was done to this account, player, sheet or report.
    target: Option<String>,
    /// How many of the newest matching entries to pass over.
    #[serde(default)]
    skip: u64,
    /// How many, newest first (default 50, at most 200).
    limit: Option<u32>,
}

/// The audit log, newest first, a page at a time.
#[utoipa::path(
    get,
    path = "/audit",
    tag = "moderation",
    params(AuditParams),
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses((status = 200, description = "The matching entries", body = Vec<AuditView>)),
)]
pub async fn recent(
    State(accounts): State<Accounts>,
    caller: Caller,
    QueryParams(params): QueryParams<AuditParams>,
) -> Result<Json<Vec<AuditView>>, ApiError> {
    let query = AuditQuery {
        room_id: params.room,
        action: params.action,
        actor_id: params.actor,
        target_id: params.target,
        skip: params.skip,
        limit: params.limit.unwrap_or(50),
    };
    Ok(Json(accounts.audit_views(&caller, query).await?))
}
