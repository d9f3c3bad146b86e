//! Accounts: a profile with a unique usertag, an optional unique email, roles and settings.

use strum::{EnumString, IntoStaticStr};

use crate::{
    domain::{match_key, UnixMillis},
    protocol::Instrument,
    validation::{self, Invalid},
};

pub const MIN_USERTAG_CHARS: usize = 3;
pub const MAX_USERTAG_CHARS: usize = 32;
pub const MAX_BIO_CHARS: usize = 500;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_URL_CHARS: usize = 2_000;
pub const MAX_LOCATION_CHARS: usize = 100;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
    /// Unique ignoring case; shown as the member typed it.
    pub usertag: String,
    /// Unique when present; kept lower-cased.
    pub email: Option<String>,
    pub roles: Vec<Role>,
    pub color: String,
    pub avatar_url: Option<String>,
    pub bio: Option<String>,
    /// Free text ("Lisbon"), shown on the public profile.
    pub location: Option<String>,
    pub settings: UserSettings,
    /// Until when the account is banned from the whole site; `None` when it is not.
    pub banned_until: Option<UnixMillis>,
    /// Every access token carries the version it was issued under; one from an older version
    /// is refused. Bumped by sign-out, a role change and a site ban, so they end at once.
    pub token_version: u64,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

impl User {
    /// The highest of the account's roles: what it may do is what that role may do.
    pub fn role(&self) -> Role {
        self.roles.iter().copied().max().unwrap_or(Role::Member)
    }

    /// Whether a site ban holds at `now`.
    pub fn is_banned(&self, now: UnixMillis) -> bool {
        self.banned_until.is_some_and(|until| until > now)
    }
}

/// What a player may do, from least to most: each role may do all that the ones before it may.
/// Guests have no account; every account is at least a Member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, IntoStaticStr, EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Guest,
    Member,
    Pro,
    Moderator,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Guest,
        Role::Member,
        Role::Pro,
        Role::Moderator,
        Role::Admin,
    ];
}

stored_names!(Role);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSettings {
    pub theme: String,
    pub notifications: bool,
    /// Who may see the profile: "public", "members", "friends" or "private". "friends" also
    /// takes direct messages from friends only.
    pub privacy: String,
    /// The instrument last chosen at the piano (`None`: the piano), played with again on the
    /// next visit. Changed only through [`ProfileUpdate::instrument`].
    pub instrument: Option<Instrument>,
}

impl UserSettings {
    /// "default" is what "system" was first called, still found in older settings.
    pub const THEMES: [&'static str; 4] = ["system", "light", "dark", "default"];
    pub const PRIVACY: [&'static str; 4] = ["public", "members", "friends", "private"];

    pub fn validated(self) -> Result<Self, Invalid> {
        if !Self::THEMES.contains(&self.theme.as_str()) {
            return Err(Invalid(format!(
                "the theme is one of {}",
                Self::THEMES.join(", ")
            )));
        }
        if !Self::PRIVACY.contains(&self.privacy.as_str()) {
            return Err(Invalid(format!(
                "privacy is one of {}",
                Self::PRIVACY.join(", ")
            )));
        }
        Ok(self)
    }
}

impl Default for UserSettings {
    fn default() -> Self {
        Self {
            theme: "system".into(),
            notifications: true,
            privacy: "public".into(),
            instrument: None,
        }
    }
}

/// What it takes to create an account; the rest starts at its default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewUser {
    pub username: String,
    pub usertag: String,
    pub email: Option<String>,
    pub color: String,
}

impl NewUser {
    /// The same account, cleaned, or what is wrong with it.
    pub fn validated(self) -> Result<Self, Invalid> {
        Ok(Self {
            username: validation::player_name(&self.username)?,
            usertag: usertag(&self.usertag)?,
            email: self.email.as_deref().map(email).transpose()?,
            color: validation::color(&self.color)?,
        })
    }
}

/// A change to a profile: `None` leaves a field as it is; for optional fields `Some(None)`
/// clears it. Only the named fields are written, so two changes to different fields made at
/// the same time both take effect.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileUpdate {
    pub username: Option<String>,
    pub usertag: Option<String>,
    pub email: Option<Option<String>>,
    pub roles: Option<Vec<Role>>,
    pub color: Option<String>,
    pub avatar_url: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub location: Option<Option<String>>,
    /// The settings page's choices: theme, notifications and privacy. Their `instrument` is
    /// not written, so saving the page while the player picks an instrument keeps the pick.
    pub settings: Option<UserSettings>,
    /// The instrument chosen at the piano (`Some(None)`: the piano again).
    pub instrument: Option<Option<Instrument>>,
    pub banned_until: Option<Option<UnixMillis>>,
    /// Ends every access token issued so far (bumps the token version), in the same write.
    pub end_tokens: bool,
}

impl ProfileUpdate {
    pub fn validated(self) -> Result<Self, Invalid> {
        let optional = |value: Option<Option<String>>,
                        rule: fn(&str) -> Result<String, Invalid>| {
            value
                .map(|inner| inner.as_deref().map(rule).transpose())
                .transpose()
        };
        Ok(Self {
            username: self
                .username
                .as_deref()
                .map(validation::player_name)
                .transpose()?,
            usertag: self.usertag.as_deref().map(usertag).transpose()?,
            email: optional(self.email, email)?,
            roles: self.roles,
            color: self.color.as_deref().map(validation::color).transpose()?,
            avatar_url: optional(self.avatar_url, url)?,
            bio: optional(self.bio, bio)?,
            location: optional(self.location, location)?,
            settings: self.settings.map(UserSettings::validated).transpose()?,
            instrument: self
                .instrument
                .map(|choice| choice.map(instrument).transpose())
                .transpose()?,
            banned_until: self.banned_until,
            end_tokens: self.end_tokens,
        })
    }
}

/// A usertag: 3–32 ASCII letters, digits, `_`, `-` or `.`; unique ignoring case. ASCII only,
/// so no two usertags look alike (no Cyrillic "а" posing as a Latin "a").
pub fn usertag(text: &str) -> Result<String, Invalid> {
    let tag = text.trim();
    let length = tag.chars().count();
    if !(MIN_USERTAG_CHARS..=MAX_USERTAG_CHARS).contains(&length) {
        return Err(Invalid(format!(
            "a usertag has {MIN_USERTAG_CHARS} to {MAX_USERTAG_CHARS} characters"
        )));
    }
    if !tag
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    {
        return Err(Invalid(
            "a usertag has only the letters a-z, digits, '_', '-' and '.'".into(),
        ));
    }
    Ok(tag.to_owned())
}

/// The key two usertags that differ only in case share.
pub fn usertag_key(tag: &str) -> String {
    match_key(tag)
}

/// An email address, trimmed and lower-cased (so uniqueness ignores case).
pub fn email(text: &str) -> Result<String, Invalid> {
    let email = match_key(text);
    let well_formed = email.len() <= MAX_EMAIL_CHARS
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains('@'));
    if well_formed {
        Ok(email)
    } else {
        Err(Invalid(format!("{text:?} is not an email address")))
    }
}

/// A SoundFont preset in range, its name a bounded line.
fn instrument(instrument: Instrument) -> Result<Instrument, Invalid> {
    let (bank, program, name) =
        validation::instrument(instrument.bank, instrument.program, &instrument.name)?;
    Ok(Instrument {
        bank,
        program,
        name,
    })
}

fn url(text: &str) -> Result<String, Invalid> {
    let url = text.trim();
    if url.len() <= MAX_URL_CHARS && (url.starts_with("https://") || url.starts_with("http://")) {
        Ok(url.to_owned())
    } else {
        Err(Invalid("an avatar must be an http(s) URL".into()))
    }
}

fn location(text: &str) -> Result<String, Invalid> {
    let location = text.trim();
    if location.chars().count() > MAX_LOCATION_CHARS || location.chars().any(char::is_control) {
        return Err(Invalid(format!(
            "a location is at most {MAX_LOCATION_CHARS} characters on one line"
        )));
    }
    Ok(location.to_owned())
}

fn bio(text: &str) -> Result<String, Invalid> {
    let bio = text.trim();
    if bio.chars().count() > MAX_BIO_CHARS {
        return Err(Invalid(format!(
            "a bio is at most {MAX_BIO_CHARS} characters"
        )));
    }
    Ok(bio.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usertags_are_checked_and_keyed_ignoring_case() {
        assert_eq!(usertag(" Ada_99 ").unwrap(), "Ada_99");
        assert_eq!(usertag_key("Ada_99"), usertag_key("ADA_99"));
        for bad in ["ab", "a b c", "(.*)", "^admin$", "аdmin", &"x".repeat(33)] {
            assert!(usertag(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(email(" Ada@Example.ORG ").unwrap(), "ada@example.org");
        for bad in [
            "",
            "ada",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "a@b@c.org",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_profile_update_is_validated_field_by_field() {
        let update = ProfileUpdate {
            bio: Some(None),
            color: Some("#ABCDEF".into()),
            ..Default::default()
        };
        let update = update.validated().unwrap();
        assert_eq!(update.color.as_deref(), Some("#abcdef"));
        assert_eq!(update.bio, Some(None));
        let bad = ProfileUpdate {
            avatar_url: Some(Some("javascript:alert(1)".into())),
            ..Default::default()
        };
        assert!(bad.validated().is_err());
    }

    #[test]
    fn a_kept_instrument_is_checked_like_a_live_choice() {
        let flute = |bank, name: &str| ProfileUpdate {
            instrument: Some(Some(Instrument {
                bank,
                program: 73,
                name: name.into(),
            })),
            ..Default::default()
        };
        let kept = flute(0, " Flute ").validated().unwrap();
        assert_eq!(kept.instrument.unwrap().unwrap().name, "Flute");
        assert!(flute(129, "Flute").validated().is_err());
        assert!(flute(0, &"x".repeat(41)).validated().is_err());
        let piano = ProfileUpdate {
            instrument: Some(None),
            ..Default::default()
        };
        assert_eq!(piano.validated().unwrap().instrument, Some(None));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
