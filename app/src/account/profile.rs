//! `/profile`: one's own display name, colour, bio, avatar and location.

use leptos::{form::ActionForm, prelude::*};
use pianorhythm_api::account::Profile;

use super::field_error;
use crate::error_words::in_words;
use crate::server_fns::{my_profile, UpdateProfile};

#[component]
pub fn ProfilePage() -> impl IntoView {
    let profile = Resource::new(|| (), |_| my_profile());
    view! {
        <section class="page profile">
            <h1>"Your profile"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match profile.await {
                        Ok(profile) => view! { <ProfileForm profile/> }.into_any(),
                        Err(error) => view! { <SignInFirst error=in_words(&error)/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// For a page that needs an account.
#[component]
pub fn SignInFirst(error: String) -> impl IntoView {
    view! {
        <div class="panel sign-in-first" role="alert">
            <p>{error}</p>
            <a class="button primary" href="/signin">"Sign in"</a>
        </div>
    }
}

#[component]
fn ProfileForm(profile: Profile) -> impl IntoView {
    let save = ServerAction::<UpdateProfile>::new();
    let result = save.value();
    let error = move |field: &'static str| field_error(result, field);
    let saved = move || {
        matches!(result.get(), Some(Ok(Ok(_))))
            .then(|| view! { <p class="saved" role="status">"Saved."</p> })
    };
    let public_path = format!("/user/{}", profile.usertag);
    view! {
        <p>"Others see this at " <a href=public_path.clone()>{public_path.clone()}</a> "."</p>
        {profile.email.map(|email| view! {
            <p class="meta">"Email: " {email} " (from your sign-in provider; only you see it)"</p>
        })}
        <ActionForm action=save attr:class="form">
            <label for="username">"Display name"</label>
            <input id="username" name="username" value=profile.username required maxlength="32"/>
            {error("username")}
            <label for="color">"Colour"</label>
            <input id="color" name="color" type="color" value=profile.color/>
            {error("color")}
            <label for="bio">"Bio"</label>
            <textarea id="bio" name="bio" maxlength="500">{profile.bio.unwrap_or_default()}</textarea>
            {error("bio")}
            <label for="avatar_url">"Avatar URL"</label>
            <input id="avatar_url" name="avatar_url" type="url" value=profile.avatar_url.unwrap_or_default()/>
            {error("avatarUrl")}
            <label for="location">"Location"</label>
            <input id="location" name="location" value=profile.location.unwrap_or_default() maxlength="100"/>
            {error("location")}
            <button type="submit">"Save"</button>
            {error("form")}
            {saved}
        </ActionForm>
    }
}
