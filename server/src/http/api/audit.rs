//! `/api/v1/audit`: the newest audit entries, for moderators.

use axum::{
    extract::{Query, State},
    Json,
};
use serde::{Deserialize, Serialize};

use crate::{
    accounts::{Accounts, Caller},
    error::ApiError,
};

#[derive(Deserialize)]
pub struct AuditQuery {
    /// Only this room's entries.
    room: Option<String>,
    /// How many, newest first (default 50, at most 500).
    limit: Option<u32>,
}

/// One entry as the API shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    at: i64,
    action: &'static str,
    actor_id: Option<String>,
    room_id: Option<String>,
    target_id: Option<String>,
    details: String,
    address: Option<String>,
    user_agent: Option<String>,
}

pub async fn recent(
    axum::extract::State(accounts): State<Accounts>,
    caller: Caller,
    Query(query): Query<AuditQuery>,
) -> Result<Json<Vec<AuditView>>, ApiError> {
    let entries = accounts
        .audit_log(&caller, query.room.as_deref(), query.limit.unwrap_or(50))
        .await?;
    Ok(Json(
        entries
            .into_iter()
            .map(|entry| AuditView {
                at: entry.at,
                action: entry.action.as_str(),
                actor_id: entry.actor_id,
                room_id: entry.room_id,
                target_id: entry.target_id,
                details: entry.details,
                address: entry.address,
                user_agent: entry.user_agent,
            })
            .collect(),
    ))
}
