//! How long a ban (or a mute) lasts and when it ends: one rule for site bans, room bans and
//! mutes, so no path can give a ban that ends before it starts. A site ban may also be
//! permanent: it ends at [`PERMANENT_UNTIL`], the last instant stored times can name.

use std::time::Duration;

use super::UnixMillis;
use crate::validation::Invalid;

/// The longest ban anyone may give: ten years, leap days included. Longer ones are refused
/// rather than cut short, so a moderator learns their number was not taken.
pub const MAX_BAN: Duration = Duration::from_secs(3_653 * 24 * 60 * 60);

/// When a permanent ban ends (stored time, ms since the epoch): never, in practice. Pages show
/// "Permanent" instead of this date.
pub const PERMANENT_UNTIL: UnixMillis = UnixMillis::MAX;

/// A ban's length: within [`MAX_BAN`], or permanent (staff's site bans only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BanLength {
    /// Ends after this long.
    Lasting(Duration),
    /// Ends only when lifted.
    Permanent,
}

impl BanLength {
    /// `duration` as a ban's length, or why it cannot be one.
    pub fn new(duration: Duration) -> Result<Self, Invalid> {
        if duration > MAX_BAN {
            return Err(Invalid("A ban lasts at most ten years.".into()));
        }
        Ok(Self::Lasting(duration))
    }

    /// A length in whole seconds, as the APIs send it.
    pub fn from_secs(seconds: u64) -> Result<Self, Invalid> {
        Self::new(Duration::from_secs(seconds))
    }

    /// A site ban's length as staff ask for it: permanent, or a number of seconds (at least one,
    /// at most ten years; zero would be no ban at all).
    pub fn asked(seconds: u64, permanent: bool) -> Result<Self, Invalid> {
        match (permanent, seconds) {
            (true, _) => Ok(Self::Permanent),
            (false, 0) => Err(Invalid("A ban lasts at least a second.".into())),
            (false, seconds) => Self::from_secs(seconds),
        }
    }

    /// When the ban ends if it starts at `now` (stored time, ms since the epoch). Checked: a
    /// clock far in the future saturates instead of wrapping into the past.
    pub fn ends_at(self, now: UnixMillis) -> UnixMillis {
        match self {
            Self::Lasting(duration) => {
                // Within MAX_BAN, the length always fits in an i64 of milliseconds.
                let millis = i64::try_from(duration.as_millis()).unwrap_or(i64::MAX);
                now.saturating_add(millis)
            }
            Self::Permanent => PERMANENT_UNTIL,
        }
    }

    /// When the ban ends if it starts at `now` on the rooms' clock (server time, ms as `f64`).
    pub fn ends_at_server_time(self, now: f64) -> f64 {
        match self {
            Self::Lasting(duration) => now + duration.as_secs_f64() * 1000.0,
            Self::Permanent => f64::INFINITY,
        }
    }

    /// What the audit log says of it.
    pub fn describe(self) -> String {
        match self {
            Self::Lasting(duration) => format!("for {} s", duration.as_secs()),
            Self::Permanent => "permanently".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 24 * 60 * 60;
    /// 2026-12-06, a fixed "now" so the tests never depend on the clock.
    const NOW: UnixMillis = 1_796_601_600_000;

    #[test]
    fn ten_years_is_the_longest_ban() {
        let ten_years = BanLength::from_secs(3_653 * DAY).unwrap();
        assert_eq!(ten_years.ends_at(NOW), NOW + 3_653 * DAY as i64 * 1000);
        assert!(BanLength::from_secs(3_654 * DAY).is_err());
        assert!(BanLength::new(MAX_BAN + Duration::from_millis(1)).is_err());
    }

    #[test]
    fn a_huge_length_is_refused_not_wrapped() {
        let refused = BanLength::from_secs(u64::MAX).unwrap_err();
        assert_eq!(refused.0, "A ban lasts at most ten years.");
        assert!(BanLength::new(Duration::MAX).is_err());
        // The value that wrapped into the past with `as i64`: refused too.
        assert!(BanLength::from_secs(u64::MAX / 1000 + 1).is_err());
    }

    #[test]
    fn a_ban_always_ends_after_it_starts() {
        let day = BanLength::from_secs(DAY).unwrap();
        assert_eq!(day.ends_at(NOW), NOW + 86_400_000);
        let longest = BanLength::new(MAX_BAN).unwrap();
        assert_eq!(longest.ends_at(i64::MAX - 5), i64::MAX);
        assert!(longest.ends_at(NOW) > NOW);
        let now = NOW as f64;
        assert_eq!(day.ends_at_server_time(now), now + 86_400_000.0);
        assert!(longest.ends_at_server_time(now) > now);
    }

    #[test]
    fn a_permanent_ban_never_ends_and_is_only_asked_for_by_name() {
        let permanent = BanLength::asked(0, true).unwrap();
        assert_eq!(permanent, BanLength::Permanent);
        assert_eq!(permanent.ends_at(NOW), PERMANENT_UNTIL);
        assert_eq!(permanent.ends_at(i64::MAX), PERMANENT_UNTIL);
        assert_eq!(permanent.ends_at_server_time(NOW as f64), f64::INFINITY);
        assert_eq!(permanent.describe(), "permanently");
        // A number of seconds is still held to ten years, and zero is no ban.
        assert_eq!(
            BanLength::asked(3_600, false).unwrap().ends_at(NOW),
            NOW + 3_600_000
        );
        assert_eq!(
            BanLength::asked(3_600, false).unwrap().describe(),
            "for 3600 s"
        );
        let zero = BanLength::asked(0, false).unwrap_err();
        assert_eq!(zero.0, "A ban lasts at least a second.");
        assert!(BanLength::asked(3_654 * DAY, false).is_err());
        assert!(BanLength::asked(u64::MAX, false).is_err());
    }

    #[test]
    fn zero_is_a_length_the_callers_give_meaning_to() {
        // Zero lifts a site ban and means the default length in a room: the rule lets it by.
        assert_eq!(BanLength::from_secs(0).unwrap().ends_at(NOW), NOW);
    }
}
