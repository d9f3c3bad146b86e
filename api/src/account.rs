//! What the account pages and the REST API exchange with the server.

use serde::{Deserialize, Serialize};

/// The signed-in player, as the header and pages need them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    /// The account id (also the player's id in rooms).
    pub id: String,
    /// The unique handle, as `/user/<usertag>`.
    pub usertag: String,
    /// The name shown in rooms.
    pub username: String,
    /// The highest role ("member", "pro", "moderator", "admin").
    pub role: String,
}

impl SignedIn {
    /// Whether the player is staff: a moderator or an admin (the staff pages, site bans).
    pub fn is_staff(&self) -> bool {
        matches!(self.role.as_str(), "moderator" | "admin")
    }

    /// Whether the player is an admin (roles).
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// A provider to sign in with: the button says "Sign in with {label}".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ProviderButton {
    /// Goes in the sign-in link (`?provider=<id>`).
    pub id: String,
    /// Shown after "Sign in with".
    pub label: String,
}

/// A profile as shown on `/profile` and `/user/<usertag>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// The account id.
    pub id: String,
    /// The unique handle.
    pub usertag: String,
    /// The name shown in rooms.
    pub username: String,
    /// The player's colour on the keys, `#rrggbb`.
    pub color: String,
    /// A few words about the player.
    pub bio: Option<String>,
    /// An http(s) link to a picture.
    pub avatar_url: Option<String>,
    /// Where the player is, in their words.
    pub location: Option<String>,
    /// Every role the account has.
    pub roles: Vec<String>,
    /// When the account was made, Unix ms.
    pub created_at: i64,
    /// The email the sign-in provider verified: in one's own profile only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A change to one's own profile; an empty text clears an optional field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProfileForm {
    /// The name shown in rooms.
    pub username: String,
    /// `#rrggbb`.
    pub color: String,
    /// Empty clears it.
    pub bio: String,
    /// Empty clears it.
    pub avatar_url: String,
    /// Empty clears it.
    pub location: String,
}

/// How the pages are drawn. The server puts it on every page's `<html>` element
/// (`data-theme`), so a page never shows the other theme first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    /// Light or dark as the device is set.
    #[default]
    System,
    Light,
    Dark,
}

impl Theme {
    /// Every theme, in the order the settings page offers them.
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];
    /// The cookie a guest's choice is kept in (a member's is in their settings).
    pub const COOKIE: &'static str = "theme";

    /// The name it is stored and sent by.
    pub fn name(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// What the settings page calls it.
    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "System",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    /// The theme a stored or posted name means. "default" is what "system" was first called,
    /// and is still found in older settings.
    pub fn from_name(name: &str) -> Option<Theme> {
        match name {
            "system" | "default" => Some(Theme::System),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// One's settings, as shown and as changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct Settings {
    /// "system", "light" or "dark" (see [`Theme`]).
    pub theme: String,
    /// Whether to be told of mentions and invitations.
    pub notifications: bool,
    /// Who sees the profile: "public", "members" or "private".
    pub privacy: String,
}

/// What is wrong with one field of a form, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field's name in the form (`usertag`, `avatarUrl`...), or `form` for the whole.
    pub field: String,
    /// What to fix, for the player.
    pub message: String,
}

/// A form's result: saved, or what to fix, field by field.
pub type Checked<T> = Result<T, Vec<FieldError>>;

/// The message for `field` among `errors`, if any.
pub fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|error| error.field == field)
        .map(|error| error.message.clone())
}
