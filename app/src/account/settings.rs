//! `/settings`: theme, notifications and who sees one's profile.

use leptos::{form::ActionForm, prelude::*};
use pianorhythm_api::account::Settings;

use super::{field_error, profile::SignInFirst};
use crate::server_fns::{my_settings, UpdateSettings};

const THEMES: [(&str, &str); 3] = [("default", "Default"), ("light", "Light"), ("dark", "Dark")];
const PRIVACY: [(&str, &str); 3] = [
    ("public", "Everyone"),
    ("members", "Signed-in players"),
    ("private", "Only me"),
];

#[component]
pub fn SettingsPage() -> impl IntoView {
    let settings = Resource::new(|| (), |_| my_settings());
    view! {
        <section class="page settings">
            <h1>"Settings"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(settings) => view! { <SettingsForm settings/> }.into_any(),
                        Err(error) => view! { <SignInFirst error=error.to_string()/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SettingsForm(settings: Settings) -> impl IntoView {
    let save = ServerAction::<UpdateSettings>::new();
    let result = save.value();
    let error = move |field: &'static str| field_error(result, field);
    let options = |choices: [(&'static str, &'static str); 3], current: String| {
        choices
            .into_iter()
            .map(|(value, label)| {
                view! { <option value=value selected=current == value>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <ActionForm action=save attr:class="form">
            <label for="theme">"Theme"</label>
            <select id="theme" name="theme">{options(THEMES, settings.theme)}</select>
            {error("theme")}
            <label class="check">
                <input type="checkbox" name="notifications" checked=settings.notifications/>
                "Notifications"
            </label>
            <label for="privacy">"Who sees my profile"</label>
            <select id="privacy" name="privacy">{options(PRIVACY, settings.privacy)}</select>
            {error("privacy")}
            <button type="submit">"Save"</button>
            {error("form")}
            {move || matches!(result.get(), Some(Ok(Ok(_))))
                .then(|| view! { <p class="saved" role="status">"Saved."</p> })}
        </ActionForm>
    }
}
