//! Players among themselves: whom a player blocks. The REST API answers with the same shapes.

use serde::{Deserialize, Serialize};

/// A block, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockForm {
    /// Whom: their participant id (an account id, or a guest's id).
    pub player_id: String,
    /// The name they show, for the list; a member's own name is taken instead.
    #[serde(default)]
    pub name: String,
}

/// A blocked player, as the blocker's list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockedPlayer {
    /// Their participant id, for "Unblock".
    pub player_id: String,
    /// The name they showed when blocked.
    pub name: String,
    /// When they were blocked, Unix ms.
    pub blocked_at: i64,
}
