//! The room's chat: history on arrival, new messages live (each with its time on the reader's
//! clock), the page's own lines (arrivals, departures, the crown, commands' answers), one line
//! to write. Web links open only when clicked, in a new tab; a line mentioning the reader
//! stands out. A line starting with "/" is a command, run with the room's occasional tools
//! (fetched then), except `/me`, sent as it is.

use leptos::{either::Either, prelude::*};
use pianorhythm_core::{
    chat_command,
    chat_text::{mentions, pieces, Piece},
};

use crate::{live::use_live, sheets::sheet_music};

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
            if text.trim().is_empty() {
                return;
            }
            draft.set(String::new());
            if text.trim_start().starts_with('/') && chat_command::action(&text).is_none() {
                let live = live.clone();
                leptos::task::spawn_local(async move {
                    (sheet_music().await.chat_command)(&live, text);
                });
            } else {
                live.chat(text);
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
                        let live = use_live();
                        // The page's own lines (arrivals, answers) have no sender.
                        let own_line = message.sender.is_none();
                        let sender = message.sender.unwrap_or_default();
                        // A mention of the reader, by the name they show when it arrives.
                        let mentioned = live.me.with_untracked(|me| {
                            me.as_ref().is_some_and(|me| mentions(&message.text, &me.name))
                        });
                        let class = match (own_line, mentioned) {
                            (true, _) => "system",
                            (false, true) => "mention",
                            (false, false) => "",
                        };
                        let action = chat_command::action(&message.text).map(str::to_owned);
                        let star = action.is_some().then_some("* ");
                        let text = action.unwrap_or(message.text);
                        let id = message.id;
                        let delete = move || (!own_line && live.may_moderate()).then(|| {
                            let (live, id) = (live.clone(), id.clone());
                            view! {
                                <button class="small" aria-label="Delete message"
                                    on:click=move |_| live.delete_chat(id.clone())>"Delete"</button>
                            }
                        });
                        let (clock, date) = shown_time(message.time);
                        view! {
                            <li class=class>
                                <time class="meta" title=date>{clock}</time>
                                " "
                                {star}
                                <span class="sender" style=format!("color: {}", sender.color)>
                                    {sender.name}
                                </span>
                                " "
                                <span class="text">{linked(&text)}</span>
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

/// Chat text with its web links as links: the address shown as it is, opened in a new tab
/// that cannot reach back into this one. The text stays text: nothing in it becomes markup.
fn linked(text: &str) -> Vec<Either<String, impl IntoView>> {
    pieces(text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => Either::Left(text.to_owned()),
            Piece::Link(address) => Either::Right(view! {
                <a href=address.to_owned() target="_blank" rel="noopener noreferrer nofollow">
                    {address.to_owned()}
                </a>
            }),
        })
        .collect()
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
