//! PianoRhythm's user interface: the HTML shell, the router and the pages.
//!
//! Compiled twice: with `ssr` into the server (rendering HTML and running server functions) and
//! with `hydrate` into the browser bundle (taking over the server's HTML and going live).
//! The data exchanged with the server is the `pianorhythm-api` crate's.
//!
//! Modules, each depending only on those listed before it:
//!
//! - `live`: the player's live view of the server, as signals
//! - `music`: a sheet's playback, a room's recorder and the sheet player's state
//! - `browser` (hydrate): browser APIs: the WebSocket, audio, MIDI, the keyboard
//! - `recent_rooms`: the rooms a player was in lately, remembered in the browser
//! - `paths`: the addresses of the site's pages
//! - `server_fns`: the server functions, adapters to the server's services
//! - `server_fns_staff`: the server functions for reports and the staff pages
//! - `server_fns_social`: the server functions for blocks, friends, messages, notifications
//! - `preload` (ssr): naming the lazy modules a server-rendered page will need
//! - `security` (ssr): the Content Security Policy of the pages
//! - `error_words`: failures in words, never the framework's own text
//! - `page_meta` (ssr): each page's title, description and link preview
//! - `error_page`, `not_found`: the errors a boundary caught, and the 404 page
//! - `account`: signing in and out, profiles and settings, the header's account corner
//! - `components`: pieces shared by pages: the header, the piano, the instrument panel
//! - `room`: a room's page
//! - `room_tools`: what a room's page runs now and then (chat commands, moderation buttons)
//! - `lobby`: the lobby's page
//! - `sheets`: the sheet music pages
//! - `notices` (hydrate): the browser's own notifications of a member's notices
//! - `lazy_pages`: the routes whose code loads on their first visit
//! - `shell` (ssr): the HTML document around the app, and the script that brings it to life
// Leptos view types nest deeply; the default limit is too low for whole pages.
#![recursion_limit = "256"]

pub mod account;
#[cfg(feature = "hydrate")]
mod browser;
mod components;
mod error_page;
mod error_words;
mod lazy_pages;
pub mod live;
mod lobby;
pub mod music;
mod not_found;
#[cfg(feature = "hydrate")]
mod notices;
#[cfg(feature = "ssr")]
mod page_meta;
mod paths;
#[cfg(feature = "ssr")]
mod preload;
mod recent_rooms;
mod room;
mod room_tools;
#[cfg(feature = "ssr")]
pub mod security;
pub mod server_fns;
pub mod server_fns_social;
pub mod server_fns_staff;
pub mod sheets;
#[cfg(feature = "ssr")]
mod shell;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    Lazy, ParamSegment, StaticSegment,
};
#[cfg(feature = "ssr")]
pub use shell::shell;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "hydrate")]
    let outlet = live::Outlet {
        notify: notices::show,
        ..browser::OUTLET
    };
    #[cfg(not(feature = "hydrate"))]
    let outlet = live::Outlet::NONE;
    let live = live::Live::new(outlet);
    provide_context(live.clone());
    // Effects run only in the browser: connect, listen to the keyboard, wait for a gesture.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| browser::start(live.clone()));
    #[cfg(not(feature = "hydrate"))]
    let _ = live;
    let stylesheet = format!("/pkg/{}.css", env!("LEPTOS_OUTPUT_NAME"));

    view! {
        <Stylesheet id="leptos" href=stylesheet/>
        <Router>
            <components::Header/>
            <main>
                <Routes fallback=not_found::NotFound>
                    <Route path=StaticSegment("") view={Lazy::<lazy_pages::Lobby>::new()}/>
                    <Route path=(StaticSegment("room"), ParamSegment("name")) view=room::RoomPage/>
                    <Route path=StaticSegment("signin") view={Lazy::<lazy_pages::SignIn>::new()}/>
                    <Route path=StaticSegment("welcome") view={Lazy::<lazy_pages::Welcome>::new()}/>
                    <Route path=StaticSegment("profile") view={Lazy::<lazy_pages::Profile>::new()}/>
                    <Route path=StaticSegment("settings") view={Lazy::<lazy_pages::Settings>::new()}/>
                    <Route path=(StaticSegment("user"), ParamSegment("usertag")) view={Lazy::<lazy_pages::PublicProfile>::new()}/>
                    <Route path=StaticSegment("friends") view={Lazy::<lazy_pages::Social>::new()}/>
                    <Route path=StaticSegment("messages") view={Lazy::<lazy_pages::Social>::new()}/>
                    <Route path=(StaticSegment("messages"), ParamSegment("usertag")) view={Lazy::<lazy_pages::Social>::new()}/>
                    <Route path=StaticSegment("notifications") view={Lazy::<lazy_pages::Social>::new()}/>
                    <Route path=StaticSegment("moderation") view={Lazy::<lazy_pages::Moderation>::new()}/>
                    <Route path=StaticSegment("sheets") view={Lazy::<lazy_pages::SheetLibrary>::new()}/>
                    <Route path=(StaticSegment("sheets"), StaticSegment("new")) view={Lazy::<lazy_pages::NewSheet>::new()}/>
                    <Route path=(StaticSegment("sheets"), ParamSegment("id")) view={Lazy::<lazy_pages::Sheet>::new()}/>
                </Routes>
            </main>
        </Router>
    }
}
