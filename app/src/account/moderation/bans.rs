//! The "Bans" tab: the site bans in force, newest first, with who, until when, why and by
//! whom; "Lift ban" ends one.

use leptos::prelude::*;
use pianorhythm_api::{staff::BanView, when::utc_minute};

use crate::error_words::in_words;
use crate::server_fns_staff::{bans_in_force, LiftBan};

/// How many bans the tab shows.
const SHOWN: u32 = 200;

#[component]
pub fn Bans() -> impl IntoView {
    let lift = ServerAction::<LiftBan>::new();
    let bans = Resource::new(move || lift.version().get(), |_| bans_in_force(0, SHOWN));
    view! {
        {move || lift.value().with(|result| match result {
            Some(Err(error)) => Some(view! { <p class="field-error" role="alert">{in_words(error)}</p> }),
            _ => None,
        })}
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match bans.await {
                    Ok(list) if list.is_empty() => view! { <p class="hint">"No site bans in force."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="staff-list" aria-label="Bans">
                            {list.into_iter().map(|ban| view! { <BanItem ban lift/> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <p class="notice" role="alert">{in_words(&error)}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BanItem(ban: BanView, lift: ServerAction<LiftBan>) -> impl IntoView {
    let until = match ban.is_permanent() {
        true => "Permanent".to_owned(),
        false => format!("until {}", utc_minute(ban.until)),
    };
    let reason = match ban.reason.is_empty() {
        true => "(no reason given)".to_owned(),
        false => ban.reason,
    };
    let account_id = ban.account_id.clone();
    view! {
        <li class="staff-item">
            <p>
                <strong>{ban.display_name.clone()}</strong>
                <span class="hint">" (" {ban.account_id} ")"</span> " · " <span class="until">{until}</span>
            </p>
            <p class="reason">{reason}</p>
            <p class="hint">"Banned " {utc_minute(ban.at)} " by " {ban.by}</p>
            <button aria-label=format!("Lift ban of {}", ban.display_name)
                on:click=move |_| { lift.dispatch(LiftBan { account_id: account_id.clone() }); }>
                "Lift ban"
            </button>
        </li>
    }
}
