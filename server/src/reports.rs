//! [`Reports`]: any player, guest or member, reports another; moderators list reports and
//! resolve or dismiss them. The REST API and the server functions are thin adapters over it.
//!
//! A report keeps who made it (account or guest, and address), whom it is about (their id,
//! account and name then), the room (id and name then) and that room's last chat lines, so
//! staff see what was said even after it is deleted. Reports draw on a per-player allowance
//! (the account, else the guest, and the address, on every instance) and are read from the
//! store on every request, so a new one is in the staff's list at once.
//!
//! - `pages`: this service and the staff reads of accounts as the server functions see them

mod pages;

use std::sync::Arc;

use pianorhythm_api::staff::{ReportForm, ReportView, ReportedLine};
use pianorhythm_core::domain::{
    audit::AuditAction,
    report::{Report, ReportStatus, ReportedPlayer, Reporter, REPORT_CHAT_LINES},
};
use pianorhythm_engine::{
    limits::{LimitError, LimitsConfig, Player, PlayerLimits, DAY_SECONDS},
    names,
    policy::{self, Action},
    rooms::Registry,
};
use pianorhythm_store::{
    ids, now_millis,
    ports::{AuditLog, ChatStore, ReportStore, RoomStore, UserStore},
    Store, StoreError,
};

pub use pages::StaffPages;

use crate::{
    accounts::{audit_trail, Caller, Identity, MAX_PAGE},
    service_error::{id_field, ServiceError},
};

/// Cheap to clone: every handler holds one.
#[derive(Clone)]
pub struct Reports {
    inner: Arc<Inner>,
}

struct Inner {
    /// Where reports are kept.
    reports: Arc<dyn ReportStore>,
    /// The rooms' chat history, for the lines a report keeps.
    chat: Arc<dyn ChatStore>,
    /// Accounts, to tell a member from a guest and name them.
    users: Arc<dyn UserStore>,
    /// Rooms that persist, for the name of a room not listed publicly.
    rooms: Arc<dyn RoomStore>,
    /// Live rooms, for the names of the listed ones (the Lobby has no record).
    registry: Arc<Registry>,
    /// The per-player allowance reports draw on.
    limits: Arc<PlayerLimits>,
    /// Where closing a report is recorded.
    audit: Arc<dyn AuditLog>,
}

impl Reports {
    pub fn new(store: &Store, registry: Arc<Registry>, limits: Arc<PlayerLimits>) -> Self {
        Self {
            inner: Arc::new(Inner {
                reports: store.reports.clone(),
                chat: store.chat.clone(),
                users: store.users.clone(),
                rooms: store.rooms.clone(),
                registry,
                limits,
                audit: store.audit.clone(),
            }),
        }
    }

    /// Files the caller's report about another player.
    pub async fn report(
        &self,
        caller: &Caller,
        form: ReportForm,
    ) -> Result<ReportView, ServiceError> {
        let reason = names::report_reason(&form.reason)
            .map_err(|invalid| ServiceError::field("reason", invalid.0))?;
        let target_id = id_field("targetId", &form.target_id)?;
        if target_id == caller.identity.id() {
            return Err(ServiceError::field(
                "targetId",
                "you cannot report yourself",
            ));
        }
        let room_id = form
            .room_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
            .map(|id| id_field("roomId", id))
            .transpose()?;
        let player = Player::new(caller.identity.id(), caller.address);
        self.inner
            .limits
            .try_report_everywhere(&player)
            .await
            .map_err(|error| refusal(error, self.inner.limits.config()))?;
        let (room_name, chat) = match &room_id {
            Some(room_id) => (
                Some(self.room_name(room_id).await?),
                self.inner.chat.recent(room_id, REPORT_CHAT_LINES).await?,
            ),
            None => (None, Vec::new()),
        };
        let target = match self.inner.users.get(&target_id).await {
            Ok(user) => ReportedPlayer {
                participant_id: user.id.clone(),
                account_id: Some(user.id),
                name: user.username,
            },
            Err(StoreError::NotFound(_)) => guest_target(&target_id, &chat)?,
            Err(error) => return Err(error.into()),
        };
        let report = Report {
            id: ids::new_id(),
            at: now_millis(),
            reporter: reporter(caller),
            target,
            room_id,
            room_name,
            reason,
            chat,
            status: ReportStatus::Open,
            handled_by: None,
            handled_at: None,
        };
        self.inner.reports.create(&report).await?;
        tracing::info!(report = %report.id, target = %report.target.participant_id, "player reported");
        Ok(view(report))
    }

    /// Reports of one status ("open", "resolved", "dismissed"; none or "all" for every one),
    /// newest first, for moderators.
    pub async fn list(
        &self,
        caller: &Caller,
        status: Option<&str>,
        skip: u64,
        limit: u32,
    ) -> Result<Vec<ReportView>, ServiceError> {
        policy::require(caller.role(), Action::HandleReports)?;
        let status = match status.map(str::trim) {
            None | Some("") | Some("all") => None,
            Some(name) => Some(ReportStatus::parse(name).ok_or_else(|| {
                ServiceError::field("status", format!("{name:?} is not a report status"))
            })?),
        };
        let reports = self
            .inner
            .reports
            .list(status, skip, limit.clamp(1, MAX_PAGE))
            .await?;
        Ok(reports.into_iter().map(view).collect())
    }

    /// Closes an open report as resolved (acted on) or dismissed (nothing to act on).
    pub async fn close(
        &self,
        caller: &Caller,
        id: &str,
        status: ReportStatus,
    ) -> Result<ReportView, ServiceError> {
        policy::require(caller.role(), Action::HandleReports)?;
        let (action, status) = match status {
            ReportStatus::Resolved => (AuditAction::ReportResolved, status),
            ReportStatus::Dismissed => (AuditAction::ReportDismissed, status),
            ReportStatus::Open => {
                return Err(ServiceError::field(
                    "status",
                    "a report is closed as resolved or dismissed",
                ))
            }
        };
        if !ids::is_well_formed(id) {
            return Err(ServiceError::NotFound("report"));
        }
        let by = caller.identity.id();
        let report = self
            .inner
            .reports
            .close(id, status, by, now_millis())
            .await?;
        let details = format!("about {}", report.target.participant_id);
        audit_trail::record(&*self.inner.audit, caller, action, &report.id, details).await?;
        Ok(view(report))
    }

    /// The room's name now: a listed room's (the Lobby's among them), else its record's.
    async fn room_name(&self, room_id: &str) -> Result<String, ServiceError> {
        let listed = self.inner.registry.public_rooms();
        if let Some(room) = listed.into_iter().find(|room| room.id == room_id) {
            return Ok(room.name);
        }
        match self.inner.rooms.get(room_id).await {
            Ok(room) => Ok(room.settings.name),
            Err(StoreError::NotFound(_)) => Err(ServiceError::NotFound("room")),
            Err(error) => Err(error.into()),
        }
    }
}

/// A participant or room id as sent: one short word, never a pattern.
/// A reported guest: named as they last spoke in the room's kept lines. A guest has no record,
/// so one that is neither seen there nor shaped like a guest id is no player we know.
fn guest_target(
    target_id: &str,
    chat: &[pianorhythm_core::protocol::ChatMessage],
) -> Result<ReportedPlayer, ServiceError> {
    let spoken = chat
        .iter()
        .rev()
        .filter_map(|message| message.sender.as_ref())
        .find(|sender| sender.id == target_id)
        .map(|sender| sender.name.clone());
    if spoken.is_none() && !ids::is_well_formed(target_id) {
        return Err(ServiceError::NotFound("player"));
    }
    Ok(ReportedPlayer {
        participant_id: target_id.to_owned(),
        account_id: None,
        name: spoken.unwrap_or_else(|| "a guest".to_owned()),
    })
}

fn reporter(caller: &Caller) -> Reporter {
    let (account_id, guest_id) = match &caller.identity {
        Identity::Member(user) => (Some(user.id.clone()), None),
        Identity::Guest(guest) => (None, Some(guest.id.clone())),
    };
    Reporter {
        account_id,
        guest_id,
        address: caller.address.to_string(),
    }
}

/// A refused report, with when the allowance that refused it has room again.
fn refusal(error: LimitError, config: &LimitsConfig) -> ServiceError {
    let seconds = match error {
        LimitError::TooManyReportsToday => DAY_SECONDS / config.reports_per_day,
        _ => 60.0 / config.reports_per_minute,
    };
    ServiceError::TooMany {
        message: error.to_string(),
        retry_after: seconds.ceil().max(1.0) as u64,
    }
}

fn view(report: Report) -> ReportView {
    ReportView {
        id: report.id,
        at: report.at,
        reporter_account_id: report.reporter.account_id,
        reporter_guest_id: report.reporter.guest_id,
        reporter_address: report.reporter.address,
        target_id: report.target.participant_id,
        target_account_id: report.target.account_id,
        target_name: report.target.name,
        room_id: report.room_id,
        room_name: report.room_name,
        reason: report.reason,
        chat: report
            .chat
            .into_iter()
            .map(|message| {
                let sender = message.sender.unwrap_or_default();
                ReportedLine {
                    sender_id: sender.id,
                    sender_name: sender.name,
                    text: message.text,
                    time: message.time,
                }
            })
            .collect(),
        status: report.status.as_str().to_owned(),
        handled_by: report.handled_by,
        handled_at: report.handled_at,
    }
}

#[cfg(test)]
mod tests {
    use pianorhythm_core::protocol::{ChatMessage, Participant};

    use super::*;

    #[test]
    fn a_guest_is_named_as_they_last_spoke_in_the_room() {
        let line = |sender: &str, name: &str| ChatMessage {
            sender: Some(Participant {
                id: sender.into(),
                name: name.into(),
                ..Participant::default()
            }),
            ..ChatMessage::default()
        };
        let chat = [
            line("g1", "Old name"),
            line("g2", "Other"),
            line("g1", "New name"),
        ];
        assert_eq!(guest_target("g1", &chat).unwrap().name, "New name");
        let unseen = ids::new_id();
        assert_eq!(guest_target(&unseen, &chat).unwrap().name, "a guest");
        assert!(guest_target("nobody", &chat).is_err());
    }

    #[test]
    fn refusals_say_when_the_allowance_has_room_again() {
        let config = LimitsConfig::default();
        let retry = |error| match refusal(error, &config) {
            ServiceError::TooMany { retry_after, .. } => retry_after,
            other => panic!("{other:?}"),
        };
        assert_eq!(retry(LimitError::ReportsTooFast), 12);
        assert_eq!(retry(LimitError::TooManyReportsToday), 2_880);
    }
}
