//! The audit log: who did what to whom, in which room, and when. Entries are only ever added.

use strum::{EnumString, IntoStaticStr};

use crate::domain::UnixMillis;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: UnixMillis,
    pub action: AuditAction,
    /// Who acted; `None` for the server itself (e.g. a crown passed on when the owner left).
    pub actor_id: Option<String>,
    pub room_id: Option<String>,
    /// Whom the action was about (the kicked player, the new owner...).
    pub target_id: Option<String>,
    /// Human-readable particulars, e.g. a ban's length.
    pub details: String,
    /// The address the actor acted from, for actions taken by a person.
    pub address: Option<String>,
    /// The actor's browser or client (its `User-Agent`), for actions taken by a person.
    pub user_agent: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, IntoStaticStr, EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum AuditAction {
    RoomCreated,
    PlayerKicked,
    PlayerBanned,
    CrownChanged,
    PlayerMuted,
    ChatMessageDeleted,
    /// Banned from the whole site, not one room.
    SiteBanned,
    RoleChanged,
    /// A player signed in to an account.
    SignedIn,
    SheetUploaded,
    SheetEdited,
    SheetDeleted,
    /// A moderator acted on a player's report.
    ReportResolved,
    /// A moderator found nothing to act on in a report.
    ReportDismissed,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        AuditAction::RoomCreated,
        AuditAction::PlayerKicked,
        AuditAction::PlayerBanned,
        AuditAction::CrownChanged,
        AuditAction::PlayerMuted,
        AuditAction::ChatMessageDeleted,
        AuditAction::SiteBanned,
        AuditAction::RoleChanged,
        AuditAction::SignedIn,
        AuditAction::SheetUploaded,
        AuditAction::SheetEdited,
        AuditAction::SheetDeleted,
        AuditAction::ReportResolved,
        AuditAction::ReportDismissed,
    ];
}

stored_names!(AuditAction);

/// Which entries to read, newest first; every filter given must match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this room's entries.
    pub room_id: Option<String>,
    /// Only this kind of action.
    pub action: Option<AuditAction>,
    /// Only what this account or guest did.
    pub actor_id: Option<String>,
    /// Only what was done to this account, player, sheet or report.
    pub target_id: Option<String>,
    /// How many of the newest matching entries to pass over (paging).
    pub skip: u64,
    /// How many to return at most.
    pub limit: u32,
}
