//! The room page, `/room/<name>`: the piano, the players, chat, the owner's settings.
//! Rendered on the server with the room's name and an idle piano; once hydrated it joins.
//!
//! - `chat`: the room's chat
//! - `players`: who is in the room, and what may be done about them

mod chat;
mod players;

use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map},
};
use pianorhythm_core::protocol::{ErrorCode, RoomSettingsUpdate};

use crate::{
    components::{instrument::InstrumentPanel, notice::Notice, piano::Piano},
    live::{use_live, ConnectionStatus, JoinState},
    sheets::{fetch_for_tool, MidiFilePanel, RecordPanel, SheetMusic},
};

#[component]
pub fn RoomPage() -> impl IntoView {
    let live = use_live();
    let params = use_params_map();
    let name = move || params.read().get("name").unwrap_or_default();

    // Join once connected, and again whenever the address names another room.
    Effect::new({
        let live = live.clone();
        move |_| {
            let wanted = name();
            let online = matches!(live.status.get(), ConnectionStatus::Online { .. });
            let me_known = live.me.with(Option::is_some);
            let already = live.wanted_room.with_untracked(|room| {
                room.as_ref()
                    .is_some_and(|(room, _)| room.eq_ignore_ascii_case(&wanted))
            }) || live.room.with_untracked(|room| {
                room.as_ref()
                    .is_some_and(|room| room.name.eq_ignore_ascii_case(&wanted))
            });
            if online && me_known && !already {
                let password = live
                    .wanted_room
                    .get_untracked()
                    .and_then(|(_, password)| password);
                live.join_room(wanted, password);
            }
        }
    });

    let title = move || live.room.get().map(|room| room.name).unwrap_or_else(name);
    let leave = {
        let live = live.clone();
        let navigate = use_navigate();
        move |_| {
            live.leave_room();
            navigate("/", Default::default());
        }
    };
    // Whole milliseconds, formatted as integers: float formatting is a lot of code.
    let playout = move || live.playout_ms.get().round() as i64;
    let audio = move || live.audio_latency_ms.get().round() as i64;
    #[cfg(feature = "ssr")]
    crate::preload::lazy_modules_of(room_parts());
    // Shown in a task after the one that brought the module in: two shorter tasks.
    let parts = LocalResource::new(|| async {
        let parts = room_parts().await;
        #[cfg(feature = "hydrate")]
        crate::browser::next_task().await;
        parts
    });
    let room_name = Signal::derive(name);

    view! {
        <section class="page room-page">
            <div class="room-header">
                <h1>{title}</h1>
                <span
                    class="meta latency"
                    title="How late the other players' notes reach your ears: the playout delay that keeps their rhythm, plus your audio output"
                    data-playout-ms=playout
                    data-audio-ms=audio
                >
                    "Latency " {move || format!("{} ms", playout() + audio())}
                    <span class="detail">
                        {move || format!(" (playout {} + audio {})", playout(), audio())}
                    </span>
                </span>
                <button on:click=leave>"Leave room"</button>
            </div>
            {move || parts.get().map(|parts| (parts.join_problem)(room_name))}
            <AudioPrompt/>
            <Notice/>
            <Piano/>
            <div class="room-columns">{move || parts.get().map(|parts| parts.columns.run())}</div>
        </section>
    }
    .into_any()
}

/// The lazily loaded parts of the room page, each to be rendered in its place.
#[derive(Clone)]
struct RoomParts {
    /// Above the piano: why the player is not in the room.
    join_problem: fn(Signal<String>) -> AnyView,
    /// Below it: players, chat and the side panels.
    columns: ViewFn,
}

/// Everything on the page but the piano, and the header's account corner. None of it is
/// needed to hear or play a first note, so its code is a module of its own, fetched beside the
/// app's (the server renders these parts empty) and shown once the page is live.
#[lazy]
fn room_parts() -> RoomParts {
    crate::account::fill_account_corner();
    RoomParts {
        join_problem: |name| view! { <JoinProblem name/> }.into_any(),
        columns: ViewFn::from(|| {
            view! {
                <players::Players/>
                <chat::Chat/>
                <div class="side">
                    <InstrumentPanel/>
                    <RecordPanel/>
                    <MidiFilePanel/>
                    <OwnerSettings/>
                </div>
            }
        }),
    }
}

/// Why the player is not in the room, and what they can do about it.
#[component]
fn JoinProblem(name: Signal<String>) -> impl IntoView {
    let live = use_live();
    let password = RwSignal::new(String::new());
    move || {
        let JoinState::Refused { code, message } = live.join.get() else {
            return None;
        };
        let retry = {
            let live = live.clone();
            move |event: leptos::ev::SubmitEvent| {
                event.prevent_default();
                live.join_room(name.get_untracked(), Some(password.get_untracked()));
            }
        };
        let create = {
            let live = live.clone();
            move |_| {
                live.create_room(RoomSettingsUpdate {
                    name: Some(name.get_untracked()),
                    ..Default::default()
                })
            }
        };
        Some(view! {
            <div class="join-problem panel" role="alert">
                <p>{message}</p>
                // A private room's wrong password reads as "no such room" (the server does not
                // say which private rooms exist), so the password can be tried again there too.
                {matches!(code, ErrorCode::WrongPassword | ErrorCode::RoomNotFound).then(|| view! {
                    <form on:submit=retry>
                        <label>"Room password"
                            <input type="password" prop:value=move || password.get()
                                on:input=move |e| password.set(event_target_value(&e))/>
                        </label>
                        <button type="submit" class="primary">"Join"</button>
                    </form>
                })}
                {(code == ErrorCode::RoomNotFound).then(|| view! {
                    <button class="primary" on:click=create>"Create this room"</button>
                })}
                <A href="/">"Back to the lobby"</A>
            </div>
        })
    }
}

/// Browsers keep audio off until the player interacts with the page.
#[component]
fn AudioPrompt() -> impl IntoView {
    let ready = use_live().audio_ready;
    move || {
        (!ready.get()).then(|| {
            view! { <p class="audio-prompt" role="note">"🔈 Click anywhere or press a key to turn the sound on."</p> }
        })
    }
}

/// The owner's settings. Most players never own the room they visit, so the form comes with
/// the room's occasional tools, fetched once the player owns it.
#[component]
fn OwnerSettings() -> impl IntoView {
    let live = use_live();
    let module = RwSignal::new(None::<SheetMusic>);
    Effect::new({
        let live = live.clone();
        move || {
            if live.am_owner() {
                fetch_for_tool(module);
            }
        }
    });
    move || {
        let room = live.room.get()?;
        let form = module.get()?.owner_settings;
        live.am_owner().then(|| {
            view! {
                <section class="owner panel" aria-label="Room settings">
                    <h2>"Room settings"</h2>
                    {form(room)}
                </section>
            }
        })
    }
}
