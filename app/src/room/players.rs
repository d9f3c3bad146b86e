//! Who is in the room: colours, the crown, the owner's (and moderators') kick / ban / silence,
//! the owner's give-crown, and each other player's menu (profile, mute, block, report, and
//! staff's "Ban from site"). The menu, and the owner's and staff's buttons, come with the
//! room's occasional tools, fetched when first needed.

use leptos::prelude::*;
use pianorhythm_core::protocol::Participant;

use crate::{
    account::PlayerTool,
    live::use_live,
    sheets::{fetch_for_tool, SheetMusic},
};

#[component]
pub fn Players() -> impl IntoView {
    let live = use_live();
    let players = live.players;
    view! {
        <section class="players panel">
            <h2>"Players"</h2>
            <ul aria-label="Players">
                <For
                    each=move || players.get()
                    key=|player| {
                        let instrument = player.instrument.as_ref().map(|i| (i.bank, i.program, i.name.clone()));
                        (player.id.clone(), player.name.clone(), player.color.clone(), instrument)
                    }
                    children=move |player| view! { <PlayerEntry player/> }
                />
            </ul>
        </section>
    }
}

#[component]
fn PlayerEntry(player: Participant) -> impl IntoView {
    let live = use_live();
    let id = player.id.clone();
    let is_owner = {
        let (live, id) = (live.clone(), id.clone());
        move || live.room.get().is_some_and(|room| room.owner_id == id)
    };
    let is_me = {
        let (live, id) = (live.clone(), id.clone());
        move || live.me.get().is_some_and(|me| me.id == id)
    };
    let can_moderate = {
        let (live, is_me) = (live.clone(), is_me.clone());
        move || live.may_moderate() && !is_me()
    };
    let muted = {
        let (live, id) = (live.clone(), id.clone());
        Signal::derive(move || live.muted.get().contains(&id))
    };
    // The player's menu (profile, mute, block, report), and the owner's and staff's buttons:
    // the room's occasional tools, fetched when first needed.
    let open = RwSignal::new(false);
    let module = RwSignal::new(None::<SheetMusic>);
    let actions = {
        let (id, name) = (id.clone(), player.name.clone());
        move || {
            if !can_moderate() {
                return None;
            }
            // Fetched once this player may moderate (at once if the module is here).
            fetch_for_tool(module);
            Some((module.get()?.moderation)(id.clone(), name.clone()))
        }
    };
    let name = {
        let (name, is_me) = (player.name.clone(), is_me.clone());
        move || match is_me() {
            true => view! { <span class="name">{name.clone()}</span> }.into_any(),
            false => {
                let toggle_menu = move |_| {
                    open.update(|open| *open = !*open);
                    fetch_for_tool(module);
                };
                view! {
                    <button class="name" aria-expanded=move || open.get().to_string()
                        on:click=toggle_menu>{name.clone()}</button>
                }
                .into_any()
            }
        }
    };
    let tool = PlayerTool {
        target_id: id.clone(),
        target_name: player.name.clone(),
        usertag: player.usertag.clone(),
    };
    let menu = move || {
        Some((module.get().filter(|_| open.get())?.player_tool)(
            tool.clone(),
        ))
    };

    view! {
        <li class="player">
            // A member's avatar, when they have one, fills their colour's dot (the address is
            // checked: https, an allowed host, no quotes).
            <span class="swatch" class:avatar=!player.avatar_url.is_empty()
                style=format!("background: {} center / cover url(\"{}\")", player.color, player.avatar_url)></span>
            {name}
            {move || muted.get().then(|| view! { <span class="muted" title="Muted on this device">"🔇"</span> })}
            {move || is_owner().then(|| view! { <span class="crown" title="Room owner" aria-label="owner">"♛"</span> })}
            {move || is_me().then(|| view! { <span class="you">"(you)"</span> })}
            {player.instrument.map(|instrument| view! {
                <span class="plays" title="Heard with this SoundFont preset by players who have it">
                    "♪ " {instrument.name}
                </span>
            })}
            <span class="actions">{actions}</span>
            {menu}
        </li>
    }
}
