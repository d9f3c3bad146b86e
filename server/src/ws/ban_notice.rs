//! What a player banned from the site is told when their socket is closed or refused: why and
//! until when, in the words the page shows and in fields of their own for other clients.

use pianorhythm_api::when::utc_minute;
use pianorhythm_core::{
    domain::{ban::PERMANENT_UNTIL, report::SiteBan},
    protocol::{Disconnect, DisconnectReason},
};

/// What every ban's notice starts with, and the close frame's reason (which holds at most 123
/// bytes, so never the moderator's words).
pub const BANNED: &str = "this account is banned from the site";

/// The goodbye for a banned account, from its ban as recorded (none: the record could not be
/// read, and the player is told no more than that they are banned).
pub fn banned_goodbye(ban: Option<&SiteBan>) -> Disconnect {
    let mut goodbye = Disconnect {
        reason: DisconnectReason::BannedFromSite as i32,
        message: BANNED.to_owned(),
        ..Default::default()
    };
    let Some(ban) = ban else {
        return goodbye;
    };
    goodbye.message = match ban.until {
        PERMANENT_UNTIL => format!("{BANNED} permanently"),
        until => format!("{BANNED} until {}", utc_minute(until)),
    };
    if !ban.reason.is_empty() {
        goodbye.message = format!("{}: {}", goodbye.message, ban.reason);
    }
    goodbye.banned_until = ban.until;
    goodbye.ban_reason = ban.reason.clone();
    goodbye
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ban(until: i64, reason: &str) -> SiteBan {
        SiteBan {
            account_id: "a".into(),
            display_name: "Ann".into(),
            at: 0,
            until,
            reason: reason.into(),
            by: "m".into(),
        }
    }

    #[test]
    fn the_notice_says_until_when_and_why() {
        // 2026-12-06 15:25 UTC.
        let goodbye = banned_goodbye(Some(&ban(1_796_570_700_000, "gold spam")));
        assert_eq!(
            goodbye.message,
            "this account is banned from the site until 2026-12-06 15:25 UTC: gold spam"
        );
        assert_eq!(goodbye.reason(), DisconnectReason::BannedFromSite);
        assert_eq!(goodbye.banned_until, 1_796_570_700_000);
        assert_eq!(goodbye.ban_reason, "gold spam");
    }

    #[test]
    fn a_permanent_ban_says_so_and_no_reason_adds_nothing() {
        let goodbye = banned_goodbye(Some(&ban(PERMANENT_UNTIL, "")));
        assert_eq!(
            goodbye.message,
            "this account is banned from the site permanently"
        );
        assert_eq!(goodbye.banned_until, PERMANENT_UNTIL);
        assert_eq!(goodbye.ban_reason, "");
    }

    #[test]
    fn an_unknown_ban_is_still_a_ban() {
        let goodbye = banned_goodbye(None);
        assert_eq!(goodbye.message, BANNED);
        assert_eq!(goodbye.banned_until, 0);
    }
}
