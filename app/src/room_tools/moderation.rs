//! The owner's and staff's buttons on another player in the room's list: kick, ban and silence
//! (ten minutes), and the owner's "Give crown". Only they see them, so the buttons come with
//! the room's occasional tools (`sheets::module`), fetched once the player may use them.

use leptos::prelude::*;

use crate::live::use_live;

/// Ban and silence length offered in the player list.
const BAN_SECONDS: u32 = 10 * 60;

/// The buttons about the player `id`, called `name`.
#[component]
pub fn ModerationButtons(id: String, name: String) -> impl IntoView {
    let live = use_live();
    let (kick, ban, silence, crown) = (live.clone(), live.clone(), live.clone(), live.clone());
    let (kick_id, ban_id, silence_id, crown_id) = (id.clone(), id.clone(), id.clone(), id);
    let crown_name = name.clone();
    view! {
        <button class="small" aria-label=format!("Kick {name}")
            on:click=move |_| kick.kick(kick_id.clone())>"Kick"</button>
        <button class="small" aria-label=format!("Ban {name}")
            on:click=move |_| ban.ban(ban_id.clone(), BAN_SECONDS)>"Ban"</button>
        <button class="small" aria-label=format!("Silence {name}")
            on:click=move |_| silence.silence(silence_id.clone(), BAN_SECONDS)>"Silence"</button>
        {move || live.am_owner().then(|| {
            let (crown, crown_id) = (crown.clone(), crown_id.clone());
            view! {
                <button class="small" aria-label=format!("Give crown to {crown_name}")
                    on:click=move |_| crown.give_crown(crown_id.clone())>"Give crown"</button>
            }
        })}
    }
}
