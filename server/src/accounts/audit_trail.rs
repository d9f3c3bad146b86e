//! Audit entries for what a person did through a request: who, to whom, from where and with
//! what client. The services (accounts, sheet music, reports) all write theirs through here.

use pianorhythm_core::domain::audit::{AuditAction, AuditEntry};
use pianorhythm_store::{now_millis, ports::AuditLog};

use super::Caller;
use crate::service_error::ServiceError;

/// The entry for `caller` doing `action` to `target_id`.
pub fn entry(caller: &Caller, action: AuditAction, target_id: &str, details: String) -> AuditEntry {
    AuditEntry {
        at: now_millis(),
        action,
        actor_id: Some(caller.identity.id().to_owned()),
        room_id: None,
        target_id: Some(target_id.to_owned()),
        details,
        address: Some(caller.address.to_string()),
        user_agent: caller.user_agent.clone(),
    }
}

/// Writes the entry for `caller` doing `action` to `target_id`.
pub async fn record(
    audit: &dyn AuditLog,
    caller: &Caller,
    action: AuditAction,
    target_id: &str,
    details: String,
) -> Result<(), ServiceError> {
    Ok(audit
        .append(&entry(caller, action, target_id, details))
        .await?)
}
