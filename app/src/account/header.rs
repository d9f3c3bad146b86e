//! The header's account corner: "Sign in" for guests; the account's name, "Friends",
//! "Messages" and "Notifications" with their unread counts, "Settings" and "Sign out" for
//! signed-in players, and "Moderation" for staff.
//!
//! Asking the server who is signed in takes a server function and its data format, code that
//! no page needs to hear or play a note; so the app does not carry it. Every page's lazily
//! loaded module does (`lazy_pages`, the room's parts) and fills the corner once it arrives;
//! the server renders it empty.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_location;

use super::navigation::load_page;
use crate::{
    live::use_live,
    server_fns::{who_am_i, SignOut},
};

thread_local! {
    /// What the corner shows: nothing until a page's module fills it. Outside any component, so
    /// that no page's going away takes it along.
    static CORNER: ArcRwSignal<Option<ViewFn>> = ArcRwSignal::new(None);
}

/// Shows the corner. Only lazily loaded code calls it, so that the corner's code stays out of
/// the app's own module. Only in the browser: the server renders the corner empty, as
/// hydration expects.
pub fn fill_account_corner() {
    let corner = ViewFn::from(corner);
    if cfg!(feature = "hydrate") {
        CORNER.with(|slot| {
            if slot.with_untracked(Option::is_none) {
                slot.set(Some(corner));
            }
        });
    }
}

#[component]
pub fn AccountMenu() -> impl IntoView {
    // The server's corner is always empty (and is not shared between requests).
    let corner = if cfg!(feature = "hydrate") {
        CORNER.with(Clone::clone)
    } else {
        ArcRwSignal::new(None)
    };
    view! {
        <nav class="account-menu" aria-label="Account">
            {move || corner.get().map(|corner| corner.run())}
        </nav>
    }
}

fn corner() -> impl IntoView {
    let me = LocalResource::new(who_am_i);
    move || {
        me.get().map(|me| match me.ok().flatten() {
            Some(me) => {
                let staff = me.is_staff();
                view! { <SignedInMenu username=me.username staff/> }.into_any()
            }
            None => view! { <SignInLink/> }.into_any(),
        })
    }
}

#[component]
fn SignInLink() -> impl IntoView {
    let location = use_location();
    let href = move || {
        let here = location.pathname.get();
        let back = percent_encoding::utf8_percent_encode(&here, percent_encoding::NON_ALPHANUMERIC);
        format!("/signin?return_to={back}")
    };
    view! { <a class="sign-in" href=href>"Sign in"</a> }
}

#[component]
fn SignedInMenu(username: String, staff: bool) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    // Signed out: a fresh page, so everything (the connection too) starts again as a guest.
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            load_page("/");
        }
    });
    let social = use_live().social;
    let count = move |unread: fn(&pianorhythm_core::protocol::Inbox) -> u32| {
        move || match social.with(|news| unread(&news.inbox)) {
            0 => String::new(),
            unread => format!(" ({unread})"),
        }
    };
    view! {
        <a class="me" href="/profile">{username}</a>
        <a href="/friends">"Friends"</a>
        <a href="/messages">"Messages" {count(|inbox| inbox.unread_conversations)}</a>
        <a href="/notifications">"Notifications" {count(|inbox| inbox.unread_notifications)}</a>
        <a href="/settings">"Settings"</a>
        // Always there, hidden from others: cheaper than a link that comes and goes, in the
        // code every page's module carries.
        <a href="/moderation" hidden=!staff>"Moderation"</a>
        <ActionForm action=sign_out attr:class="inline">
            <button type="submit">"Sign out"</button>
        </ActionForm>
    }
}
