//! What players send to report another player, what staff send to ban from the site, and what
//! the staff pages read: reports, the audit log and the site bans in force. The REST API
//! answers with the same shapes.

pub use pianorhythm_core::domain::ban::PERMANENT_UNTIL;
use serde::{Deserialize, Serialize};

/// A player's report about another, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportForm {
    /// The reported player's participant id (an account id, or a guest's id).
    pub target_id: String,
    /// The room it happened in, if any: its last chat lines go with the report.
    #[serde(default)]
    pub room_id: Option<String>,
    /// What happened, 1 to 500 characters.
    pub reason: String,
}

/// One chat line kept with a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportedLine {
    /// Who said it, by participant id.
    pub sender_id: String,
    /// The name they showed.
    pub sender_name: String,
    /// What they said.
    pub text: String,
    /// When, Unix ms.
    pub time: f64,
}

/// A report as staff read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReportView {
    /// Its id, for resolving or dismissing it.
    pub id: String,
    /// When it was made, Unix ms.
    pub at: i64,
    /// The reporter's account, when signed in.
    pub reporter_account_id: Option<String>,
    /// The reporter's guest id, when not signed in.
    pub reporter_guest_id: Option<String>,
    /// Where the report came from.
    pub reporter_address: String,
    /// The reported player's participant id.
    pub target_id: String,
    /// The reported player's account, when they have one.
    pub target_account_id: Option<String>,
    /// The name the reported player showed then.
    pub target_name: String,
    /// The room it happened in.
    pub room_id: Option<String>,
    /// That room's name then.
    pub room_name: Option<String>,
    /// What the reporter says happened.
    pub reason: String,
    /// The room's last chat lines then, oldest first.
    pub chat: Vec<ReportedLine>,
    /// "open", "resolved" or "dismissed".
    pub status: String,
    /// The moderator who closed it.
    pub handled_by: Option<String>,
    /// When it was closed, Unix ms.
    pub handled_at: Option<i64>,
}

/// One audit entry as staff read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditView {
    /// When, Unix ms.
    pub at: i64,
    /// What was done, e.g. "site_banned".
    pub action: String,
    /// Who did it; none for the server itself.
    pub actor_id: Option<String>,
    /// The room it was done in.
    pub room_id: Option<String>,
    /// To whom or what (an account, player, sheet or report).
    pub target_id: Option<String>,
    /// Particulars, e.g. a ban's length.
    pub details: String,
    /// Where the actor acted from.
    pub address: Option<String>,
    /// The actor's client.
    pub user_agent: Option<String>,
}

/// A moderator's site ban of an account, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SiteBanForm {
    /// The account to ban.
    pub account_id: String,
    /// How long, when not permanent (1 s to ten years).
    #[serde(default)]
    pub duration_seconds: u64,
    /// Until lifted; `duration_seconds` is then not read.
    #[serde(default)]
    pub permanent: bool,
    /// Why, shown to staff with the bans in force (0 to 500 characters).
    #[serde(default)]
    pub reason: String,
}

/// A site ban in force as staff read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BanView {
    /// The banned account.
    pub account_id: String,
    /// Its name when banned.
    pub display_name: String,
    /// When it was banned, Unix ms.
    pub at: i64,
    /// When the ban ends, Unix ms ([`PERMANENT_UNTIL`] for a permanent ban).
    pub until: i64,
    /// Why, in the moderator's words.
    pub reason: String,
    /// The moderator who banned it.
    pub by: String,
}

impl BanView {
    /// Whether it lasts until lifted.
    pub fn is_permanent(&self) -> bool {
        self.until == PERMANENT_UNTIL
    }
}
