//! `/user/<usertag>`: a player's public profile, as its owner's privacy setting allows. Others
//! may report the player; staff see "Ban from site" instead, and admins "Roles".

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pianorhythm_api::account::{Profile, SignedIn};

use super::friends::FriendButton;
use super::player_tools::{BlockButton, ReportPlayerForm, RolesForm, SiteBanPlayerForm};
use crate::error_words::in_words;
use crate::server_fns::{user_profile, who_am_i};

#[component]
pub fn PublicProfilePage() -> impl IntoView {
    let params = use_params_map();
    let usertag = move || params.read().get("usertag").unwrap_or_default();
    let profile = Resource::new(usertag, user_profile);
    let me = Resource::new(|| (), |_| who_am_i());
    view! {
        <section class="page public-profile">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let me = me.await.ok().flatten();
                    match profile.await {
                        Ok(profile) => view! {
                            <ProfileCard profile=profile.clone()/>
                            <ProfileTools profile me/>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <h1>"Profile"</h1>
                            <p class="notice" role="alert">{in_words(&error)}</p>
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
        {profile.avatar_url.map(|url| view! {
            <img class="avatar large" src=url alt="Avatar" width="96" height="96" referrerpolicy="no-referrer"/>
        })}
    }
}

/// What the visitor may do about the player: nothing on their own profile; anyone blocks them;
/// staff ban from the site (and admins set roles); everyone else, signed in or guest, reports.
#[component]
fn ProfileTools(profile: Profile, me: Option<SignedIn>) -> impl IntoView {
    if me.as_ref().is_some_and(|me| me.id == profile.id) {
        return None;
    }
    let (staff, admin) = me
        .as_ref()
        .map_or((false, false), |me| (me.is_staff(), me.is_admin()));
    // Friends are members: a signed-in visitor may ask.
    let befriend = me.is_some().then(|| {
        view! {
            <section class="panel">
                <h2>"Friends"</h2>
                <FriendButton player_id=profile.id.clone() usertag=profile.usertag.clone()/>
                " "
                <a class="button small" href=format!("/messages/{}", profile.usertag)>"Message"</a>
            </section>
        }
    });
    let block = view! {
        <section class="panel">
            <h2>"Block"</h2>
            <p class="meta">"You will no longer hear or read them, in any room."</p>
            <BlockButton player_id=profile.id.clone() name=profile.username.clone()/>
        </section>
    };
    let name = profile.username.clone();
    let tools = match staff {
        false => view! {
            <section class="panel">
                <h2>"Report"</h2>
                <ReportPlayerForm target_id=profile.id target_name=name room_id=None/>
            </section>
        }
        .into_any(),
        true => view! {
            <section class="panel">
                <h2>"Ban from site"</h2>
                <SiteBanPlayerForm target_id=profile.id.clone() target_name=name/>
            </section>
            {admin.then(|| view! {
                <section class="panel">
                    <h2>"Roles"</h2>
                    <RolesForm account_id=profile.id roles=profile.roles/>
                </section>
            })}
        }
        .into_any(),
    };
    Some(view! { <div class="profile-tools">{befriend} {block} {tools}</div> })
}
