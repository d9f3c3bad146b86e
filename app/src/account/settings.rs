//! `/settings`: the theme (everyone: a guest's is kept in a cookie), notifications and who
//! sees one's profile (members), and whom one blocks (everyone: a guest's list is kept with
//! their session).

use leptos::{form::ActionForm, prelude::*, task::spawn_local};
use pianorhythm_api::{
    account::{Settings, Theme},
    social::BlockedPlayer,
};

use super::{field_error, profile::SignInFirst};
use crate::error_words::in_words;
use crate::{
    server_fns::{my_settings, ChooseTheme, UpdateSettings},
    server_fns_social::{list_blocks, unblock_player},
};

const PRIVACY: [(&str, &str); 4] = [
    ("public", "Everyone"),
    ("members", "Signed-in players"),
    ("friends", "Friends (who alone may message me)"),
    ("private", "Only me"),
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| my_settings());
    view! {
        <section class="page settings">
            <h1>"Settings"</h1>
            <ThemeForm/>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(settings) => view! { <SettingsForm settings/> }.into_any(),
                        Err(error) => view! { <SignInFirst error=in_words(&error)/> }.into_any(),
                    }
                })}
            </Suspense>
            <BlockedList/>
        </section>
    }
}

/// Whom the player blocks, each with "Unblock". Read in the browser: the list is the
/// player's own and changes from any room.
#[component]
fn BlockedList() -> impl IntoView {
    let blocks = RwSignal::new(None::<Result<Vec<BlockedPlayer>, String>>);
    Effect::new(move || {
        spawn_local(async move {
            let list = list_blocks().await.map_err(|error| in_words(&error));
            blocks.set(Some(list));
        })
    });
    let unblock = move |player_id: String| {
        spawn_local(async move {
            match unblock_player(player_id.clone()).await {
                Ok(()) => blocks.update(|blocks| {
                    if let Some(Ok(list)) = blocks {
                        list.retain(|blocked| blocked.player_id != player_id);
                    }
                }),
                Err(error) => blocks.set(Some(Err(in_words(&error)))),
            }
        })
    };
    let list = move || match blocks.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) => view! { <p class="notice" role="alert">{error}</p> }.into_any(),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="meta">"You block no one."</p> }.into_any()
        }
        Some(Ok(list)) => {
            let rows = list
                .into_iter()
                .map(|blocked| {
                    let label = format!("Unblock {}", blocked.name);
                    let id = blocked.player_id;
                    view! {
                        <li>
                            <span class="name">{blocked.name}</span>
                            <button class="small" aria-label=label
                                on:click=move |_| unblock(id.clone())>"Unblock"</button>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="blocked" aria-label="Blocked players">{rows}</ul> }.into_any()
        }
    };
    view! {
        <section class="panel">
            <h2>"Blocked players"</h2>
            <p class="meta">"You do not hear or read them, in any room."</p>
            {list}
        </section>
    }
}

/// "Dark", "Light" or "System", for anyone. Works before the page is live (the form posts and
/// the server draws the next page in the new theme); once live, the page changes at once.
#[component]
fn ThemeForm() -> impl IntoView {
    let choose = ServerAction::<ChooseTheme>::new();
    let result = choose.value();
    Effect::new(move |_| {
        if let Some(Ok(Ok(_theme))) = result.get() {
            #[cfg(feature = "hydrate")]
            if let Some(page) = document().document_element() {
                let _ = page.set_attribute("data-theme", &_theme);
            }
        }
    });
    let current = current_theme();
    let options = Theme::ALL
        .map(|theme| {
            view! { <option value=theme.name() selected=theme == current>{theme.label()}</option> }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="appearance">
            <h2 id="appearance">"Appearance"</h2>
            <ActionForm action=choose attr:class="form">
                <label for="theme">"Theme"</label>
                <select id="theme" name="theme">{options}</select>
                {move || field_error(result, "theme")}
                <button type="submit">"Save theme"</button>
                {move || matches!(result.get(), Some(Ok(Ok(_))))
                    .then(|| view! { <p class="saved" role="status">"Theme saved."</p> })}
            </ActionForm>
        </section>
    }
}

/// The theme this page was drawn in: the server put it on the `<html>` element.
fn current_theme() -> Theme {
    #[cfg(feature = "ssr")]
    let theme = use_context::<http::request::Parts>()
        .and_then(|request| request.extensions.get::<Theme>().copied());
    #[cfg(not(feature = "ssr"))]
    let theme = document()
        .document_element()
        .and_then(|page| page.get_attribute("data-theme"))
        .and_then(|name| Theme::from_name(&name));
    theme.unwrap_or_default()
}

#[component]
fn SettingsForm(settings: Settings) -> impl IntoView {
    let save = ServerAction::<UpdateSettings>::new();
    let result = save.value();
    let error = move |field: &'static str| field_error(result, field);
    let privacy = PRIVACY
        .map(|(value, label)| {
            view! { <option value=value selected=settings.privacy == value>{label}</option> }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="account-settings">
            <h2 id="account-settings">"Account"</h2>
            <ActionForm action=save attr:class="form">
                <label class="check">
                    <input type="checkbox" name="notifications" checked=settings.notifications
                        on:change=move |_event| {
                            #[cfg(feature = "hydrate")]
                            crate::browser::alerts::choose(event_target_checked(&_event));
                        }/>
                    "Notifications (also the browser's own while this tab is hidden)"
                </label>
                <label for="privacy">"Who sees my profile"</label>
                <select id="privacy" name="privacy">{privacy}</select>
                {error("privacy")}
                <button type="submit">"Save"</button>
                {error("form")}
                {move || matches!(result.get(), Some(Ok(Ok(_))))
                    .then(|| view! { <p class="saved" role="status">"Saved."</p> })}
            </ActionForm>
        </section>
    }
}
