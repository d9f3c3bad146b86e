//! `/user/<usertag>`: a player's public profile, as its owner's privacy setting allows.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pianorhythm_api::account::Profile;

use crate::server_fns::user_profile;

#[component]
pub fn PublicProfilePage() -> impl IntoView {
    let params = use_params_map();
    let usertag = move || params.read().get("usertag").unwrap_or_default();
    let profile = Resource::new(usertag, user_profile);
    view! {
        <section class="page public-profile">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match profile.await {
                        Ok(profile) => view! { <ProfileCard profile/> }.into_any(),
                        Err(error) => view! {
                            <h1>"Profile"</h1>
                            <p class="notice" role="alert">{error.to_string()}</p>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ProfileCard(profile: Profile) -> impl IntoView {
    let staff = profile
        .roles
        .iter()
        .rev()
        .find(|role| *role != "member")
        .cloned();
    view! {
        <h1>
            <span class="swatch" style=format!("background: {}", profile.color)></span>
            {profile.username}
        </h1>
        <p class="usertag">"@" {profile.usertag}</p>
        {staff.map(|role| view! { <p class="role">{role}</p> })}
        {profile.bio.map(|bio| view! { <p class="bio">{bio}</p> })}
        {profile.location.map(|location| view! { <p class="location">"📍 " {location}</p> })}
        {profile.avatar_url.map(|url| view! { <p><a href=url rel="nofollow noopener">"Avatar"</a></p> })}
    }
}
