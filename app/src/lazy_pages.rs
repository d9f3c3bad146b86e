//! The pages whose code the browser loads on their first visit, not with the app: the lobby,
//! accounts and sheet music. The app itself keeps what every page needs and the room's piano,
//! so that a visit to a room never waits for code it does not run. Each page is a
//! [`LazyRoute`]: its view lives in a separate wasm module, fetched when the route is entered
//! (or, on a page rendered by the server, together with the app, before hydrating it).
//!
//! Every route is spelled out: the split points are named after where they are written, so a
//! macro generating them would give them all one name.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::{account, lobby, sheets};

/// `/`: the lobby, its live rooms and creating or joining one.
pub struct Lobby;

#[lazy_route]
impl LazyRoute for Lobby {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <lobby::LobbyPage/> }.into_any()
    }
}

/// `/signin`: the sign-in providers.
pub struct SignIn;

#[lazy_route]
impl LazyRoute for SignIn {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::SignInPage/> }.into_any()
    }
}

/// `/welcome`: a first sign-in picks its usertag.
pub struct Welcome;

#[lazy_route]
impl LazyRoute for Welcome {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::WelcomePage/> }.into_any()
    }
}

/// `/profile`: one's own profile, edited.
pub struct Profile;

#[lazy_route]
impl LazyRoute for Profile {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::ProfilePage/> }.into_any()
    }
}

/// `/settings`: one's account settings.
pub struct Settings;

#[lazy_route]
impl LazyRoute for Settings {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::SettingsPage/> }.into_any()
    }
}

/// `/user/<usertag>`: someone's public profile.
pub struct PublicProfile;

#[lazy_route]
impl LazyRoute for PublicProfile {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <account::PublicProfilePage/> }.into_any()
    }
}

/// `/sheets`: the sheet music library.
pub struct SheetLibrary;

#[lazy_route]
impl LazyRoute for SheetLibrary {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <sheets::SheetsPage/> }.into_any()
    }
}

/// `/sheets/new`: uploading a sheet.
pub struct NewSheet;

#[lazy_route]
impl LazyRoute for NewSheet {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <sheets::NewSheetPage/> }.into_any()
    }
}

/// `/sheets/<id>`: one sheet, to read and play.
pub struct Sheet;

#[lazy_route]
impl LazyRoute for Sheet {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <sheets::SheetPage/> }.into_any()
    }
}
