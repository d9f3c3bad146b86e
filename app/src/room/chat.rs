//! The room's chat: history on arrival, new messages live (each with its time on the reader's
//! clock), one line to write.

use leptos::prelude::*;

use crate::live::use_live;

#[component]
pub fn Chat() -> impl IntoView {
    let live = use_live();
    let draft = RwSignal::new(String::new());
    let welcome = move || {
        live.room
            .get()
            .map(|room| room.welcome_message)
            .filter(|message| !message.is_empty())
    };
    let chat = live.chat;
    let submit = {
        let live = live.clone();
        move |event: leptos::ev::SubmitEvent| {
            event.prevent_default();
            let text = draft.get_untracked();
            if !text.trim().is_empty() {
                live.chat(text);
                draft.set(String::new());
            }
        }
    };

    view! {
        <section class="chat panel">
            <h2>"Chat"</h2>
            {move || welcome().map(|message| view! { <p class="welcome">{message}</p> })}
            <ol class="messages" aria-label="Chat" aria-live="polite">
                <For
                    each=move || chat.get()
                    key=|message| message.id.clone()
                    children=move |message| {
                        let sender = message.sender.unwrap_or_default();
                        let live = use_live();
                        let id = message.id.clone();
                        let delete = move || live.may_moderate().then(|| {
                            let (live, id) = (live.clone(), id.clone());
                            view! {
                                <button class="small" aria-label="Delete message"
                                    on:click=move |_| live.delete_chat(id.clone())>"Delete"</button>
                            }
                        });
                        let (clock, date) = shown_time(message.time);
                        view! {
                            <li>
                                <time class="meta" title=date>{clock}</time>
                                " "
                                <span class="sender" style=format!("color: {}", sender.color)>
                                    {sender.name}
                                </span>
                                " "
                                <span class="text">{message.text}</span>
                                {delete}
                            </li>
                        }
                    }
                />
            </ol>
            <form class="chat-form" on:submit=submit>
                <input
                    type="text"
                    aria-label="Chat message"
                    placeholder="Say something…"
                    maxlength="500"
                    autocomplete="off"
                    prop:value=move || draft.get()
                    on:input=move |event| draft.set(event_target_value(&event))
                />
                <button type="submit">"Send"</button>
            </form>
        </section>
    }
}

/// When a message was sent, on the reader's clock: "hh:mm", and the full date and time (for
/// hovering). Only the browser shows chat lines, and only it knows the reader's time zone.
fn shown_time(unix_ms: f64) -> (String, String) {
    #[cfg(feature = "hydrate")]
    {
        let date = js_sys::Date::new(&unix_ms.into());
        let clock = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
        let full = date.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED);
        (clock, full.into())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = unix_ms;
        (String::new(), String::new())
    }
}
