//! What the server keeps: users, rooms that persist, sheet music, the audit log, sessions,
//! player reports, site bans, whom players block, who are friends, and members' messages and
//! notifications.
//!
//! Plain data and the rules for it, with no storage driver in sight: the server's storage ports
//! take and return these types, and each backend maps them to its own records.

/// `as_str` and `parse` for enums whose stored names strum derives (`IntoStaticStr` and
/// `EnumString`), so that each name is written once, on its enum.
macro_rules! stored_names {
    ($($type:ty),+ $(,)?) => {$(
        impl $type {
            /// The name it is stored and sent as.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The value stored as `text`; `None` for any other text.
            pub fn parse(text: &str) -> Option<Self> {
                text.parse().ok()
            }
        }
    )+};
}

pub mod audit;
pub mod auth;
pub mod ban;
pub mod block;
pub mod friend;
pub mod inbox;
pub mod report;
pub mod room;
pub mod room_settings;
pub mod session;
pub mod sheet_music;
pub mod user;

/// Milliseconds since the Unix epoch, the time unit of every stored record.
pub type UnixMillis = i64;

/// Lower-cases text for case-insensitive exact matching and searching. Every backend compares
/// these keys (computed here, never by the database), so "case-insensitive" means the same
/// thing everywhere, Unicode included.
pub fn match_key(text: &str) -> String {
    text.trim().to_lowercase()
}

#[cfg(test)]
mod stored_name_tests {
    use super::{audit::AuditAction, room::RoomType, sheet_music::*, user::Role};

    /// Every name as stored and sent before the names were derived: a rename of a variant
    /// must never change them.
    #[test]
    fn stored_names_are_exactly_these() {
        let roles = Role::ALL.map(Role::as_str);
        assert_eq!(roles, ["guest", "member", "pro", "moderator", "admin"]);
        let actions = AuditAction::ALL.map(AuditAction::as_str);
        let expected = [
            "room_created",
            "player_kicked",
            "player_banned",
            "crown_changed",
            "player_muted",
            "chat_message_deleted",
            "site_banned",
            "role_changed",
            "signed_in",
            "sheet_uploaded",
            "sheet_edited",
            "sheet_deleted",
            "report_resolved",
            "report_dismissed",
        ];
        assert_eq!(actions, expected);
        assert_eq!(
            [RoomType::Public, RoomType::Private].map(RoomType::as_str),
            ["public", "private"]
        );
        let difficulties: Vec<_> = Difficulty::ALL.iter().map(|d| d.as_str()).collect();
        assert_eq!(
            difficulties,
            ["beginner", "intermediate", "advanced", "expert"]
        );
        let formats: Vec<_> = SheetFormat::ALL.iter().map(|f| f.as_str()).collect();
        assert_eq!(formats, ["virtual_piano", "mpp", "musicxml", "midi"]);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        assert_eq!(RoomType::parse("private"), Some(RoomType::Private));
        assert_eq!(Role::parse("Admin"), None, "names are matched exactly");
        assert_eq!(SheetFormat::parse("music_xml"), None);
    }
}
