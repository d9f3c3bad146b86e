//! Stored times (Unix ms) as the pages show them: the same text on the server and in the
//! browser, so a page the server renders hydrates without a mismatch, and no date crate in the
//! browser's code.

/// `ms` as "YYYY-MM-DD HH:MM UTC".
pub fn utc_minute(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000);
    let (days, minute_of_day) = (minutes.div_euclid(1_440), minutes.rem_euclid(1_440));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        minute_of_day / 60,
        minute_of_day % 60
    )
}

/// How long a room has been going at `now_ms`, begun at `since_ms`, as its card in the lobby
/// says it: "Started just now", "Active for 5 min", "… 2 h", "… 3 days". `None` when the start
/// is not known (0).
pub fn active_for(since_ms: i64, now_ms: i64) -> Option<String> {
    if since_ms <= 0 {
        return None;
    }
    let minutes = (now_ms - since_ms).max(0) / 60_000;
    Some(match minutes {
        0 => "Started just now".to_owned(),
        1..60 => format!("Active for {minutes} min"),
        60..2_880 => format!("Active for {} h", minutes / 60),
        _ => format!("Active for {} days", minutes / 1_440),
    })
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants_read_as_their_dates() {
        assert_eq!(utc_minute(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_minute(1_796_515_200_000), "2026-12-06 00:00 UTC");
        assert_eq!(utc_minute(1_796_570_759_999), "2026-12-06 15:25 UTC");
        // A leap day and the day after it.
        assert_eq!(utc_minute(1_709_164_800_000), "2024-02-29 00:00 UTC");
        assert_eq!(utc_minute(1_709_251_200_000), "2024-03-01 00:00 UTC");
        assert_eq!(utc_minute(-60_000), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn how_long_a_room_has_been_going_reads_in_the_largest_whole_unit() {
        let start = 1_796_515_200_000;
        let after = |ms: i64| active_for(start, start + ms);
        assert_eq!(after(59_999).as_deref(), Some("Started just now"));
        assert_eq!(after(5 * 60_000).as_deref(), Some("Active for 5 min"));
        assert_eq!(after(119 * 60_000).as_deref(), Some("Active for 1 h"));
        assert_eq!(after(47 * 3_600_000).as_deref(), Some("Active for 47 h"));
        assert_eq!(after(3 * 86_400_000).as_deref(), Some("Active for 3 days"));
        // A clock behind the room's own, and a start nobody knows.
        assert_eq!(after(-5_000).as_deref(), Some("Started just now"));
        assert_eq!(active_for(0, start), None);
    }
}
