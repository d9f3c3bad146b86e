//! A passing message for the player (a sheet played into the room stopped, a limit reached),
//! shown until dismissed.

use leptos::prelude::*;

use crate::live::use_live;

#[component]
pub fn Notice() -> impl IntoView {
    let notice = use_live().notice;
    move || {
        notice.get().map(|message| {
            view! {
                <p class="notice" role="status">
                    {message}
                    <button class="small" aria-label="Dismiss" on:click=move |_| notice.set(None)>"×"</button>
                </p>
            }
        })
    }
}
