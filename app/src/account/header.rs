//! The header's account corner: "Sign in" for guests; the account's name and "Sign out" for
//! signed-in players.

use leptos::{form::ActionForm, prelude::*};
use leptos_router::hooks::use_location;

use super::navigation::load_page;
use crate::server_fns::{who_am_i, SignOut};

#[component]
pub fn AccountMenu() -> impl IntoView {
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <nav class="account-menu" aria-label="Account">
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match me.await.ok().flatten() {
                        Some(me) => view! { <SignedInMenu username=me.username/> }.into_any(),
                        None => view! { <SignInLink/> }.into_any(),
                    }
                })}
            </Suspense>
        </nav>
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
