//! Player reports: one player tells staff about another, with the room's last chat lines as
//! they stood at that moment. Staff then resolve (acted on) or dismiss (nothing to do) it.
//! Site bans in force, as the staff pages list them, live here too.

use strum::{EnumString, IntoStaticStr};

use crate::{domain::UnixMillis, protocol::ChatMessage};

/// How many of the room's chat lines a report keeps.
pub const REPORT_CHAT_LINES: u32 = 20;

#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// The record id (ObjectId-shaped, like every record's).
    pub id: String,
    /// When it was made.
    pub at: UnixMillis,
    /// Who made it, so staff can weigh it and abuse of reporting can be traced.
    pub reporter: Reporter,
    /// Whom it is about, as they were at that moment.
    pub target: ReportedPlayer,
    /// The room it happened in; `None` when the reporter was in none.
    pub room_id: Option<String>,
    /// The room's name at that moment (rooms are renamed and closed).
    pub room_name: Option<String>,
    /// What the reporter says happened (1 to 500 characters, see `validation::report_reason`).
    pub reason: String,
    /// The room's last chat lines when the report was made, oldest first, so staff see what
    /// was said even after the messages are deleted.
    pub chat: Vec<ChatMessage>,
    /// Open until a moderator resolves or dismisses it.
    pub status: ReportStatus,
    /// Which moderator closed it; `None` while open.
    pub handled_by: Option<String>,
    /// When it was closed; `None` while open.
    pub handled_at: Option<UnixMillis>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reporter {
    /// The reporter's account, when signed in.
    pub account_id: Option<String>,
    /// The reporter's guest id, when not signed in.
    pub guest_id: Option<String>,
    /// Where the report came from.
    pub address: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportedPlayer {
    /// Their participant id (an account id for members, a guest id for guests).
    pub participant_id: String,
    /// Their account, when they have one.
    pub account_id: Option<String>,
    /// The name they showed at that moment.
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, IntoStaticStr, EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum ReportStatus {
    Open,
    /// A moderator acted on it.
    Resolved,
    /// A moderator found nothing to act on.
    Dismissed,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 3] = [Self::Open, Self::Resolved, Self::Dismissed];
}

stored_names!(ReportStatus);

/// A ban from the whole site, as staff see it while it is in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteBan {
    /// The banned account.
    pub account_id: String,
    /// Its name when banned, so the list reads without a lookup per row.
    pub display_name: String,
    /// When it was imposed (the list is newest first).
    pub at: UnixMillis,
    /// When it ends.
    pub until: UnixMillis,
    /// Why, in the moderator's words (0 to 500 characters).
    pub reason: String,
    /// The moderator who imposed it.
    pub by: String,
}
