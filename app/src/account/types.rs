//! What the account pages and the REST API exchange with the server: plain data, the same
//! on both sides of the wire.

use serde::{Deserialize, Serialize};

/// The signed-in player, as the header and pages need them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub id: String,
    pub usertag: String,
    pub username: String,
    pub role: String,
}

/// A provider to sign in with: the button says "Sign in with {label}".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderButton {
    pub id: String,
    pub label: String,
}

/// A profile as shown on `/profile` and `/user/<usertag>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    pub usertag: String,
    pub username: String,
    pub color: String,
    pub bio: Option<String>,
    pub avatar_url: Option<String>,
    pub location: Option<String>,
    pub roles: Vec<String>,
    pub created_at: i64,
}

/// A change to one's own profile; an empty text clears an optional field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileForm {
    pub username: String,
    pub color: String,
    pub bio: String,
    pub avatar_url: String,
    pub location: String,
}

/// One's settings, as shown and as changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// "default", "light" or "dark".
    pub theme: String,
    pub notifications: bool,
    /// Who sees the profile: "public", "members" or "private".
    pub privacy: String,
}

/// What is wrong with one field of a form, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
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
