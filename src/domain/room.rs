//! A user room as stored, so that it outlives a restart: its settings, owner and bans.
//! (The Lobby is permanent and fixed, so only its chat is stored.)

use std::net::IpAddr;

use strum::{EnumString, IntoStaticStr};

use crate::domain::{match_key, room_settings::RoomSettings, UnixMillis};

#[derive(Clone, Debug, PartialEq)]
pub struct StoredRoom {
    pub id: String,
    pub settings: RoomSettings,
    pub owner_id: Option<String>,
    pub bans: Vec<RoomBan>,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

/// One player's ban from a room: it holds against their participant id, the browser they
/// played from and their address, so signing out or clearing cookies does not lift it.
#[derive(Clone, Debug, PartialEq)]
pub struct RoomBan {
    /// The banned guest or account.
    pub participant_id: String,
    /// The address they were banned from (as the limits count it): a new guest from there is
    /// the same player with a new cookie. `None` for bans stored before addresses were kept.
    pub address: Option<IpAddr>,
    /// The guest id of the browser they played from (an account's browser keeps a guest for
    /// after sign-out): that guest is the same player signed out.
    pub browser: Option<String>,
    /// Server time (ms since the epoch) the ban ends.
    pub until_ms: f64,
}

/// Whether the room shows in the public list; stored as the seed's `type` field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, IntoStaticStr, EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum RoomType {
    Public,
    Private,
}

stored_names!(RoomType);

impl StoredRoom {
    pub fn room_type(&self) -> RoomType {
        if self.settings.private {
            RoomType::Private
        } else {
            RoomType::Public
        }
    }

    /// The key rooms are found by: names are unique among live rooms ignoring case.
    pub fn name_key(&self) -> String {
        match_key(&self.settings.name)
    }

    /// Bans still in force at `now_ms`.
    pub fn active_bans(&self, now_ms: f64) -> impl Iterator<Item = &RoomBan> {
        self.bans.iter().filter(move |ban| ban.until_ms > now_ms)
    }
}

/// Stored bans once held against an address as a participant id of this form.
const LEGACY_ADDRESS_PREFIX: &str = "address:";

impl RoomBan {
    /// Whether the ban keeps out a player joining as `participant_id` from `browser` (their
    /// session's guest id); `guest_address` is where they come from if they are a guest. Any
    /// one of them is the banned player. The address counts against guests only: a guest is
    /// only a cookie, while another account at the same address is someone else.
    pub fn holds_against(
        &self,
        participant_id: &str,
        browser: Option<&str>,
        guest_address: Option<IpAddr>,
    ) -> bool {
        let same_browser = |id: &str| Some(id) == browser || id == participant_id;
        self.participant_id == participant_id
            || self.browser.as_deref().is_some_and(same_browser)
            || browser == Some(self.participant_id.as_str())
            || guest_address.is_some_and(|address| self.address == Some(address))
    }

    /// A ban as stored before addresses had a field of their own (an address as the
    /// participant id `address:<ip>`), read as an address ban.
    pub fn upgraded(mut self) -> Self {
        if let Some(address) = self.participant_id.strip_prefix(LEGACY_ADDRESS_PREFIX) {
            if let Ok(address) = address.parse() {
                self.address = self.address.or(Some(address));
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ban() -> RoomBan {
        RoomBan {
            participant_id: "account-1".into(),
            address: Some("203.0.113.7".parse().unwrap()),
            browser: Some("guest-1".into()),
            until_ms: 1_000.0,
        }
    }

    fn elsewhere() -> Option<IpAddr> {
        Some("198.51.100.1".parse().unwrap())
    }

    #[test]
    fn holds_against_the_account_its_browser_and_its_address() {
        let ban = ban();
        let banned_address = Some("203.0.113.7".parse().unwrap());
        assert!(ban.holds_against("account-1", None, None));
        // Signed out: the browser's guest, from anywhere.
        assert!(ban.holds_against("guest-1", Some("guest-1"), elsewhere()));
        // Another account signed in in the same browser.
        assert!(ban.holds_against("account-2", Some("guest-1"), None));
        // A new guest (new cookie) from the same address.
        assert!(ban.holds_against("guest-9", Some("guest-9"), banned_address));
        assert!(!ban.holds_against("guest-9", Some("guest-9"), elsewhere()));
        // Another account at that address, in another browser, is someone else.
        assert!(!ban.holds_against("account-2", Some("guest-8"), None));
    }

    #[test]
    fn a_banned_guest_who_signs_in_is_still_that_browser() {
        let guest_ban = RoomBan {
            participant_id: "guest-1".into(),
            browser: None,
            ..ban()
        };
        assert!(guest_ban.holds_against("account-2", Some("guest-1"), None));
    }

    #[test]
    fn old_address_bans_read_as_address_bans() {
        let old = RoomBan {
            participant_id: "address:203.0.113.7".into(),
            address: None,
            browser: None,
            until_ms: 1_000.0,
        }
        .upgraded();
        assert_eq!(old.address, Some("203.0.113.7".parse().unwrap()));
        assert!(old.holds_against("guest-9", None, Some("203.0.113.7".parse().unwrap())));
        assert_eq!(ban().upgraded(), ban());
    }
}
