//! The pages whose code the browser loads on their first visit, not with the app: the lobby,
//! accounts and sheet music. The app itself keeps what every page needs and the room's piano,
//! so that a visit to a room never waits for code it does not run.
//!
//! Pages that are visited together share one wasm module, a group: the lobby, the account
//! pages, the sheet music pages (defined in `sheets::module` with a room's tools, which share
//! their code), and, in `room`, all of a room but the piano. Each group is
//! one `#[lazy]` function taking which page to show; each route is a [`LazyRoute`] calling it,
//! so entering any page of a group fetches the group's module (or, on a page the server
//! renders, has the browser preload it with the app). Fewer modules mean fewer requests: the
//! splitter gives the code two groups share a module of its own, for every set of groups.
//!
//! Every group also brings the header's account corner ([`account::fill_account_corner`]): its
//! code, in the module all groups share, costs no module of its own.

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::{account, lobby, sheets};

/// A route showing one page of a group: entering it loads the group's module (`$preload`,
/// which `#[lazy]` makes beside the group's function). The router loads it before it shows the
/// page: hydration cannot wait for it.
macro_rules! grouped_route {
    ($(#[$doc:meta])* $route:ident => $group:ident($($page:expr)?), loaded by $preload:path) => {
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            async fn view(_this: Self) -> AnyView {
                $group($($page)?).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                {
                    $preload().await;
                    // The page hydrates in a task after the one that brought the module in.
                    crate::browser::next_task().await;
                }
            }
        }
    };
}

grouped_route!(
    /// `/`: the lobby, its live rooms and creating or joining one.
    Lobby => lobby_group(), loaded by __preload_lobby_group
);
grouped_route!(
    /// `/signin`: the sign-in providers.
    SignIn => account_group(AccountPage::SignIn), loaded by __preload_account_group
);
grouped_route!(
    /// `/welcome`: a first sign-in picks its usertag.
    Welcome => account_group(AccountPage::Welcome), loaded by __preload_account_group
);
grouped_route!(
    /// `/profile`: one's own profile, edited.
    Profile => account_group(AccountPage::Profile), loaded by __preload_account_group
);
grouped_route!(
    /// `/settings`: one's account settings.
    Settings => account_group(AccountPage::Settings), loaded by __preload_account_group
);
grouped_route!(
    /// `/user/<usertag>`: someone's public profile.
    PublicProfile => account_group(AccountPage::PublicProfile), loaded by __preload_account_group
);
grouped_route!(
    /// `/friends`, `/messages`, `/messages/<usertag>` and `/notifications`: a member's friends
    /// and inbox. One route type for the four keeps the app's router small.
    Social => account_group(AccountPage::Social), loaded by __preload_account_group
);
grouped_route!(
    /// `/moderation`: the staff pages.
    Moderation => account_group(AccountPage::Moderation), loaded by __preload_account_group
);
grouped_route!(
    /// `/sheets`: the sheet music library.
    SheetLibrary => sheet_page(sheets::Page::Library), loaded by sheets::__preload_sheet_music
);
grouped_route!(
    /// `/sheets/new`: uploading a sheet.
    NewSheet => sheet_page(sheets::Page::New), loaded by sheets::__preload_sheet_music
);
grouped_route!(
    /// `/sheets/<id>`: one sheet, to read and play.
    Sheet => sheet_page(sheets::Page::Sheet), loaded by sheets::__preload_sheet_music
);

/// The lobby's module.
#[lazy]
fn lobby_group() -> AnyView {
    account::fill_account_corner();
    view! { <lobby::LobbyPage/> }.into_any()
}

/// The account pages.
enum AccountPage {
    SignIn,
    Welcome,
    Profile,
    Settings,
    PublicProfile,
    Social,
    Moderation,
}

/// The account pages' module.
#[lazy]
fn account_group(page: AccountPage) -> AnyView {
    account::fill_account_corner();
    match page {
        AccountPage::SignIn => view! { <account::SignInPage/> }.into_any(),
        AccountPage::Welcome => view! { <account::WelcomePage/> }.into_any(),
        AccountPage::Profile => view! { <account::ProfilePage/> }.into_any(),
        AccountPage::Settings => view! { <account::SettingsPage/> }.into_any(),
        AccountPage::PublicProfile => view! { <account::PublicProfilePage/> }.into_any(),
        AccountPage::Social => {
            let path = leptos_router::hooks::use_location()
                .pathname
                .get_untracked();
            match path.split('/').nth(1) {
                Some("messages") => view! { <account::MessagesPage/> }.into_any(),
                Some("notifications") => view! { <account::NotificationsPage/> }.into_any(),
                _ => view! { <account::FriendsPage/> }.into_any(),
            }
        }
        AccountPage::Moderation => view! { <account::ModerationPage/> }.into_any(),
    }
}

/// A sheet music page, from the sheet music module (which holds a room's tools too).
async fn sheet_page(page: sheets::Page) -> AnyView {
    (sheets::sheet_music().await.page)(page)
}
