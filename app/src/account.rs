//! Accounts in the UI: signing in and out, the first sign-in's usertag, one's profile and
//! settings, public profiles, friends, messages and notifications, and the staff's tools.
//!
//! - `friends`: `/friends`, a profile's "Add friend" and the lobby's "Friends online"
//! - `header`: the header's account corner
//! - `inbox`: `/messages`, a conversation, and `/notifications`
//! - `navigation`: loading a fresh page
//! - `profile`: one's own profile, edited
//! - `public_profile`: `/user/<usertag>`, with reporting and the staff's controls
//! - `settings`: one's settings
//! - `sign_in`: the sign-in page
//! - `welcome`: the first sign-in's usertag
//! - `moderation`: `/moderation`, the staff pages
//! - `player_tools`: a room's player menu, and block, report, site ban and roles, shared by
//!   profiles and rooms

mod friends;
mod header;
mod inbox;
mod moderation;
mod navigation;
mod player_tools;
mod profile;
mod public_profile;
mod settings;
mod sign_in;
mod welcome;

pub use friends::{FriendsOnline, FriendsPage};
pub use header::{fill_account_corner, AccountMenu};
pub use inbox::{send_direct_message, MessagesPage, NotificationsPage};
pub use moderation::ModerationPage;
pub(crate) use navigation::load_page;
pub use player_tools::{PlayerMenu, PlayerTool};
pub use profile::ProfilePage;
pub use public_profile::PublicProfilePage;
pub use settings::SettingsPage;
pub use sign_in::SignInPage;
pub use welcome::WelcomePage;

use crate::error_words::in_words;
use leptos::prelude::*;
use pianorhythm_api::account::{error_for, Checked};

/// The error next to `field` after a form's last submission, if it had one (`form`: an
/// error about the whole form).
pub(crate) fn field_error<T, S>(
    result: S,
    field: &'static str,
) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static
where
    T: Send + Sync + 'static,
    S: With<Value = Option<Result<Checked<T>, ServerFnError>>> + Copy + Send + Sync + 'static,
{
    move || {
        let message = result.with(|result| match result {
            Some(Ok(Err(errors))) => error_for(errors, field),
            Some(Err(error)) if field == "form" => Some(in_words(error)),
            _ => None,
        })?;
        Some(view! { <p class="field-error" role="alert">{message}</p> }.into_any())
    }
}
