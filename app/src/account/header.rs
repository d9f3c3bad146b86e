//! The header's account corner: "Sign in" for guests; the account's name and "Sign out" for
//! signed-in players.
//!
//! Asking the server who is signed in takes a server function and its data format, code that
//! no page needs to hear or play a note; so the corner is a module of its own, fetched once the
//! page is live (the server renders it empty, and has the browser fetch its module with the
//! app's).

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_location;

use super::navigation::load_page;
use crate::server_fns::{who_am_i, SignOut};

#[component]
pub fn AccountMenu() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::preload::lazy_modules_of(account_corner());
    let corner = LocalResource::new(account_corner);
    view! {
        <nav class="account-menu" aria-label="Account">
            {move || corner.get().map(|corner| corner.run())}
        </nav>
    }
}

#[lazy]
fn account_corner() -> ViewFn {
    ViewFn::from(|| {
        let me = LocalResource::new(who_am_i);
        move || {
            me.get().map(|me| match me.ok().flatten() {
                Some(me) => view! { <SignedInMenu username=me.username/> }.into_any(),
                None => view! { <SignInLink/> }.into_any(),
            })
        }
    })
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
fn SignedInMenu(username: String) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    // Signed out: a fresh page, so everything (the connection too) starts again as a guest.
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            load_page("/");
        }
    });
    view! {
        <a class="me" href="/profile">{username}</a>
        <a href="/settings">"Settings"</a>
        <ActionForm action=sign_out attr:class="inline">
            <button type="submit">"Sign out"</button>
        </ActionForm>
    }
}
