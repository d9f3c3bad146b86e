//! `/signin`: a button per configured provider, or word that this server has none; and why
//! the last attempt failed, if it did.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

use crate::server_fns::sign_in_providers;

#[component]
pub fn SignInPage() -> impl IntoView {
    let providers = Resource::new(|| (), |_| sign_in_providers());
    let query = use_query_map();
    let error = move || query.read().get("error");
    // Shown in place of a page that needs an account (`/moderation`), it brings the player back.
    let here = use_location().pathname;
    let return_to = move || {
        query
            .read()
            .get("return_to")
            .unwrap_or_else(|| match here.get() {
                path if path == "/signin" => "/".into(),
                path => path,
            })
    };
    view! {
        <section class="page sign-in">
            <h1>"Sign in"</h1>
            {move || error().map(|error| view! { <p class="error" role="alert">"Sign-in failed: " {error}</p> })}
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let providers = providers.await.unwrap_or_default();
                    if providers.is_empty() {
                        return view! {
                            <p class="notice">
                                "Signing in is not set up on this server: everyone plays as a guest."
                            </p>
                        }
                        .into_any();
                    }
                    view! {
                        <ul class="providers">
                            {providers
                                .into_iter()
                                .map(|provider| {
                                    let href = move || login_href(&provider.id, &return_to());
                                    view! {
                                        <li>
                                            <a class="button" href=href rel="external">
                                                "Sign in with " {provider.label.clone()}
                                            </a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                    .into_any()
                })}
            </Suspense>
            <p>"Signing in keeps your name, colour and rooms on every device."</p>
        </section>
    }
}

fn login_href(provider: &str, return_to: &str) -> String {
    let encode = |text: &str| {
        percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "/api/v1/auth/login?provider={}&return_to={}",
        encode(provider),
        encode(return_to)
    )
}
