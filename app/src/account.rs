//! Accounts in the UI: signing in and out, the first sign-in's usertag, one's profile and
//! settings, and public profiles.

mod header;
mod navigation;
mod profile;
mod public_profile;
mod settings;
mod sign_in;
mod types;
mod welcome;

pub use header::AccountMenu;
pub use profile::ProfilePage;
pub use public_profile::PublicProfilePage;
pub use settings::SettingsPage;
pub use sign_in::SignInPage;
pub use types::*;
pub use welcome::WelcomePage;
