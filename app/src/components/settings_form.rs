//! The room settings form, with which the owner changes their room. (The lobby's form creates
//! one.) The server validates again; the form only helps the player get it right.

use leptos::prelude::*;
use pianorhythm_core::{
    protocol::{PlayPermission, RoomInfo, RoomSettingsUpdate},
    rooms::{MAX_NOTE_RATE, MAX_PLAYERS_LIMIT, MAX_ROOM_NAME_CHARS},
};

#[component]
pub fn SettingsForm(
    /// The room's settings now.
    current: RoomInfo,
    submit_label: &'static str,
    on_submit: Callback<RoomSettingsUpdate>,
) -> impl IntoView {
    let name = RwSignal::new(current.name.clone());
    let private = RwSignal::new(current.private);
    let password = RwSignal::new(String::new());
    let max_players = RwSignal::new(current.max_players.to_string());
    let owner_only = RwSignal::new(current.who_can_play == PlayPermission::OwnerOnly as i32);
    let chat_enabled = RwSignal::new(current.chat_enabled);
    let welcome = RwSignal::new(current.welcome_message.clone());
    let note_rate = RwSignal::new(current.note_rate.to_string());
    let had_password = current.has_password;

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let password = password.get_untracked();
        let who_can_play = match owner_only.get_untracked() {
            true => PlayPermission::OwnerOnly,
            false => PlayPermission::Everyone,
        };
        on_submit.run(RoomSettingsUpdate {
            name: Some(name.get_untracked()),
            private: Some(private.get_untracked()),
            // An empty field keeps the current password.
            password: Some(password).filter(|password| !password.is_empty()),
            max_players: max_players.get_untracked().trim().parse().ok(),
            who_can_play: Some(who_can_play as i32),
            chat_enabled: Some(chat_enabled.get_untracked()),
            welcome_message: Some(welcome.get_untracked()),
            note_rate: note_rate.get_untracked().trim().parse().ok(),
        });
    };

    let password_hint = match had_password {
        true => "Leave empty to keep it",
        false => "Optional",
    };
    view! {
        <form class="settings-form" on:submit=submit>
            <label>"Room name"
                <input type="text" required maxlength=MAX_ROOM_NAME_CHARS.to_string()
                    prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
            </label>
            <label>"Password"
                <input type="password" placeholder=password_hint autocomplete="new-password"
                    prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
            </label>
            <label>"Max players"
                <input type="number" min="1" max=MAX_PLAYERS_LIMIT.to_string()
                    prop:value=move || max_players.get() on:input=move |e| max_players.set(event_target_value(&e))/>
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || private.get()
                    on:change=move |e| private.set(event_target_checked(&e))/>
                "Private"
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || owner_only.get()
                    on:change=move |e| owner_only.set(event_target_checked(&e))/>
                "Only the owner may play"
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || chat_enabled.get()
                    on:change=move |e| chat_enabled.set(event_target_checked(&e))/>
                "Chat on"
            </label>
            <label>"Welcome message"
                <input type="text" maxlength="500"
                    prop:value=move || welcome.get() on:input=move |e| welcome.set(event_target_value(&e))/>
            </label>
            <label>"Notes per second"
                <input type="number" min="1" max=MAX_NOTE_RATE.to_string()
                    prop:value=move || note_rate.get() on:input=move |e| note_rate.set(event_target_value(&e))/>
            </label>
            <button type="submit" class="primary">{submit_label}</button>
        </form>
    }
}
