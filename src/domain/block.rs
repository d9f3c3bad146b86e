//! Blocking: a player stops hearing and reading another. The server keeps, for each player,
//! whom they block (a member's on the account, a guest's in their session), and rooms leave
//! the blocked player's notes and chat out of what they send the blocker.

use crate::domain::UnixMillis;

/// The most players one player may block: enough for any real nuisance, bounded so a block
/// list stays small in every room the player joins.
pub const MAX_BLOCKS: usize = 500;

/// One blocked player, as the blocker's list shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Whom: their participant id (an account id for members, a guest id for guests).
    pub player_id: String,
    /// The name they showed when blocked, so the list reads as people (guests have no page).
    pub name: String,
    /// When, for the list's order (newest first).
    pub at: UnixMillis,
}
