//! Who is in the room: colours, the crown, the owner's (and moderators') kick / ban / silence,
//! the owner's give-crown, and "Report" on every other player (with staff's "Ban from site").
//! The forms, and the owner's and staff's buttons, come with the room's occasional tools,
//! fetched when first needed.

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
    // The report (and, for staff, site ban) forms opened about this player, and the owner's
    // and staff's buttons: the room's occasional tools.
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
    // "Mute" and "Report", for every player but oneself.
    let mute_button = {
        let (live, id, name, is_me) =
            (live.clone(), id.clone(), player.name.clone(), is_me.clone());
        move || {
            (!is_me()).then(|| {
                let (live, id) = (live.clone(), id.clone());
                let label = format!("Mute {name}");
                let toggle_tools = move |_| {
                    open.update(|open| *open = !*open);
                    fetch_for_tool(module);
                };
                view! {
                    <button class="small" aria-label=label aria-pressed=move || muted.get().to_string()
                        on:click=move |_| live.toggle_mute(&id)>
                        {move || if muted.get() { "Unmute" } else { "Mute" }}
                    </button>
                    <button class="small" aria-label=format!("Report {name}") on:click=toggle_tools>"Report"</button>
                }
            })
        }
    };

    let tool = PlayerTool {
        target_id: id.clone(),
        target_name: player.name.clone(),
    };
    let tools = move || {
        Some((module.get().filter(|_| open.get())?.player_tool)(
            tool.clone(),
        ))
    };

    view! {
        <li class="player">
            <span class="swatch" style=format!("background: {}", player.color)></span>
            <span class="name">{player.name.clone()}</span>
            {move || is_owner().then(|| view! { <span class="crown" title="Room owner" aria-label="owner">"♛"</span> })}
            {move || is_me().then(|| view! { <span class="you">"(you)"</span> })}
            {player.instrument.map(|instrument| view! {
                <span class="plays" title="Heard with this SoundFont preset by players who have it">
                    "♪ " {instrument.name}
                </span>
            })}
            <span class="actions">{mute_button} {actions}</span>
            {tools}
        </li>
    }
}
