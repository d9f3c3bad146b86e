//! A member's inbox: `/messages` (their conversations), `/messages/<usertag>` (one
//! conversation, paging back 50 at a time, live) and `/notifications`. Read in the browser:
//! they are the player's own. What arrives while a page is open comes over the WebSocket
//! (`Live::inbox`).

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;
use pianorhythm_api::{
    inbox::{ConversationPage, ConversationSummary, Correspondent, MessageView, NotificationView},
    when::utc_minute,
};

use crate::{
    live::{use_live, Answered, ConnectionStatus, Live, SocialNews},
    server_fns_social::{
        conversation_messages, list_conversations, list_notifications, mark_conversation_read,
        mark_notifications_read, send_message,
    },
};

use super::load_page;
use crate::error_words::in_words;

/// What a page read, once read: `None` while reading.
type Read<T> = RwSignal<Option<Result<T, String>>>;

/// Reads `fetch` into a signal once the page is live.
fn read<T, F>(fetch: impl Fn() -> F + 'static) -> Read<T>
where
    T: Send + Sync + 'static,
    F: std::future::Future<Output = Result<T, ServerFnError>> + 'static,
{
    let read: Read<T> = RwSignal::new(None);
    Effect::new(move || {
        let fetching = fetch();
        spawn_local(async move { read.set(Some(fetching.await.map_err(|e| in_words(&e)))) });
    });
    read
}

/// A guest is asked to sign in; any other failure is said as it is.
fn failure(error: String, back: &'static str) -> AnyView {
    view! {
        <p class="notice" role="alert">{error}</p>
        <p><a href=format!("/signin?return_to={back}")>"Sign in"</a> " to message other players."</p>
    }
    .into_any()
}

/// `/messages` and `/messages/<usertag>`.
#[component]
pub fn MessagesPage() -> impl IntoView {
    let params = use_params_map();
    move || match params.with(|params| params.get("usertag")) {
        Some(usertag) => view! { <ConversationView usertag/> }.into_any(),
        None => view! { <ConversationList/> }.into_any(),
    }
}

#[component]
fn ConversationList() -> impl IntoView {
    let conversations = read(list_conversations);
    let live = use_live();
    // A message arriving anywhere changes the list: read it again.
    Effect::new(move |seen: Option<String>| {
        let latest = live.social.with(|news| news.inbox.message_id.clone());
        if seen.is_some_and(|seen| seen != latest) {
            spawn_local(async move {
                let list = list_conversations().await.map_err(|e| in_words(&e));
                conversations.set(Some(list));
            });
        }
        latest
    });
    let list = move || {
        match conversations.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) => failure(error, "%2Fmessages"),
        Some(Ok(list)) if list.is_empty() => view! {
            <p class="meta">"No conversations yet: write to a friend, or from a player's profile."</p>
        }
        .into_any(),
        Some(Ok(list)) => {
            let rows = list.into_iter().map(summary_row).collect_view();
            view! { <ul class="conversations" aria-label="Conversations">{rows}</ul> }.into_any()
        }
    }
    };
    view! {
        <section class="page messages">
            <h1>"Messages"</h1>
            <NewConversation/>
            {list}
        </section>
    }
}

fn summary_row(summary: ConversationSummary) -> impl IntoView {
    let ConversationSummary { with, last, unread } = summary;
    let who = if last.mine { "You: " } else { "" };
    let has_unread = unread > 0;
    let unread = has_unread.then(|| view! { <span class="badge">{format!("{unread} new")}</span> });
    view! {
        <li class="conversation" class:unread=has_unread>
            <Avatar with=with.clone()/>
            <div class="summary">
                <a class="name" href=format!("/messages/{}", with.usertag)>{with.username.clone()}</a>
                " " {unread} " "
                <time class="meta">{utc_minute(last.sent_at)}</time>
                <p class="last">{who}{last.text}</p>
            </div>
        </li>
    }
}

/// "Write to" a member by usertag: opens the conversation.
#[component]
fn NewConversation() -> impl IntoView {
    let usertag = RwSignal::new(String::new());
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let tag = usertag.get_untracked();
        let tag = tag.trim().trim_start_matches('@');
        let tag = percent_encoding::utf8_percent_encode(tag, percent_encoding::NON_ALPHANUMERIC);
        load_page(&format!("/messages/{tag}"));
    };
    view! {
        <form class="add-friend" aria-label="New message" on:submit=submit>
            <label>"Usertag"
                <input type="text" required maxlength="33" prop:value=move || usertag.get()
                    on:input=move |event| usertag.set(event_target_value(&event))/>
            </label>
            <button type="submit">"Write"</button>
        </form>
    }
}

/// The other member's avatar, or their colour.
#[component]
fn Avatar(with: Correspondent) -> impl IntoView {
    match with.avatar_url {
        Some(url) => {
            view! { <img class="avatar" src=url alt="" width="32" height="32"/> }.into_any()
        }
        None => view! { <span class="swatch" style=format!("background: {}", with.color)></span> }
            .into_any(),
    }
}

#[component]
fn ConversationView(usertag: String) -> impl IntoView {
    let tag = usertag.clone();
    let page: Read<ConversationPage> = read(move || conversation_messages(tag.clone(), None));
    let tag = usertag.clone();
    // Opened: what they sent is read (the header's count follows from the server).
    Effect::new(move |_| {
        if matches!(
            page.with(|page| page.as_ref().map(Result::is_ok)),
            Some(true)
        ) {
            let tag = tag.clone();
            spawn_local(async move {
                let _ = mark_conversation_read(tag).await;
            });
        }
    });
    let live = use_live();
    let tag = usertag.clone();
    // A message between the two, sent or received on any tab, joins the page.
    Effect::new(move |_| {
        let message = live.social.with(|SocialNews { inbox, .. }| {
            (!inbox.message_id.is_empty())
                .then(|| MessageView {
                    id: inbox.message_id.clone(),
                    mine: false,
                    text: inbox.message_text.clone(),
                    sent_at: inbox.message_sent_at,
                })
                .map(|view| (view, inbox.message_from.clone(), inbox.message_to.clone()))
        });
        let Some((mut message, from, to)) = message else {
            return;
        };
        let mut from_them = false;
        page.update(|page| {
            if let Some(Ok(page)) = page {
                let other = &page.with.player_id;
                let between = from == *other || to == *other;
                if between && page.messages.iter().all(|shown| shown.id != message.id) {
                    from_them = from == *other;
                    message.mine = !from_them;
                    page.messages.push(message);
                }
            }
        });
        if from_them {
            let tag = tag.clone();
            spawn_local(async move {
                let _ = mark_conversation_read(tag).await;
            });
        }
    });
    let older = {
        let usertag = usertag.clone();
        move |_| {
            let first = page.with_untracked(|page| match page {
                Some(Ok(page)) => page.messages.first().map(|first| first.id.clone()),
                _ => None,
            });
            let usertag = usertag.clone();
            spawn_local(async move {
                let older = conversation_messages(usertag, first).await;
                page.update(|page| match (page, older) {
                    (Some(Ok(page)), Ok(older)) => {
                        page.more = older.more;
                        page.messages.splice(0..0, older.messages);
                    }
                    (page, Err(error)) => *page = Some(Err(in_words(&error))),
                    _ => {}
                });
            });
        }
    };
    let body = move || match page.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) => failure(error, "%2Fmessages"),
        Some(Ok(shown)) => {
            let with = shown.with.clone();
            let more = shown.more.then(|| {
                let older = older.clone();
                view! { <button class="small" on:click=older>"Older messages"</button> }
            });
            let lines = shown
                .messages
                .into_iter()
                .map(|message| {
                    let by = if message.mine { "You" } else { &with.username }.to_owned();
                    view! {
                        <li class:mine=message.mine>
                            <span class="by">{by}</span>
                            <time class="meta">{utc_minute(message.sent_at)}</time>
                            <p>{message.text}</p>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <header class="with">
                    <Avatar with=with.clone()/>
                    <h1>{with.username.clone()}</h1>
                    <a class="meta" href=format!("/user/{}", with.usertag)>"Profile"</a>
                </header>
                {more}
                <ol class="message-list" aria-label="Messages" aria-live="polite">{lines}</ol>
                <MessageForm usertag=with.usertag.clone()/>
            }
            .into_any()
        }
    };
    view! { <section class="page conversation">{body}</section> }
}

/// Sends a direct message: over the socket when it is open (no request of its own, so it
/// arrives soonest), else through the server function; `answered` is told whether it went.
pub fn send_direct_message(live: &Live, usertag: String, text: String, answered: Answered) {
    if matches!(live.status.get_untracked(), ConnectionStatus::Online { .. }) {
        return live.send_direct_message(usertag, text, answered);
    }
    spawn_local(async move {
        let sent = send_message(usertag, text).await;
        answered(sent.map(|_| ()).map_err(|refused| refused.to_string()));
    });
}

/// Writing a message; what is sent joins the page when the server pushes it.
#[component]
fn MessageForm(usertag: String) -> impl IntoView {
    let live = use_live();
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let (usertag, sent) = (usertag.clone(), text.get_untracked());
        let answered = move |answer: Result<(), String>| match answer {
            Ok(()) => {
                text.set(String::new());
                error.set(None);
            }
            Err(refused) => error.set(Some(refused)),
        };
        send_direct_message(&live, usertag, sent, Box::new(answered));
    };
    view! {
        <form class="send-message" aria-label="Send a message" on:submit=submit>
            <label for="message-text" class="visually-hidden">"Message"</label>
            <input id="message-text" type="text" required maxlength="2000" autocomplete="off"
                placeholder="Write a message" prop:value=move || text.get()
                on:input=move |event| text.set(event_target_value(&event))/>
            <button type="submit">"Send"</button>
            {move || error.get().map(|error| view! { <p class="field-error" role="alert">{error}</p> })}
        </form>
    }
}

/// `/notifications`: newest first; seen once shown.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let notifications: Read<Vec<NotificationView>> = read(list_notifications);
    Effect::new(move |_| {
        if matches!(
            notifications.with(|read| read.as_ref().map(Result::is_ok)),
            Some(true)
        ) {
            spawn_local(async move {
                let _ = mark_notifications_read().await;
            });
        }
    });
    let list = move || match notifications.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) => failure(error, "%2Fnotifications"),
        Some(Ok(list)) if list.is_empty() => {
            view! { <p class="meta">"Nothing yet."</p> }.into_any()
        }
        Some(Ok(list)) => {
            let rows = list
                .into_iter()
                .map(|notice| {
                    view! {
                        <li class:unread=!notice.read>
                            <a href=notice.link>{notice.text}</a>
                            " "
                            <time class="meta">{utc_minute(notice.at)}</time>
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="notifications" aria-label="Notifications">{rows}</ul> }.into_any()
        }
    };
    view! {
        <section class="page notifications-page">
            <h1>"Notifications"</h1>
            {list}
        </section>
    }
}
