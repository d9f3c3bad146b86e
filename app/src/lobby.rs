//! The lobby page: the live rooms (rendered on the server, then kept current by the server's
//! pushes), searched and ordered as the player asks (`finder`), creating a room, and joining a
//! private one by name.

mod finder;

use leptos::{form::ActionForm, prelude::*};
use leptos_router::{components::A, hooks::use_navigate};
use pianorhythm_api::when;
use pianorhythm_core::rooms::{
    RoomSummary, DEFAULT_MAX_PLAYERS, MAX_PLAYERS_LIMIT, MAX_ROOM_NAME_CHARS,
};

use self::finder::{find, Finder, Order};
use crate::{
    account::FriendsOnline,
    error_page::ErrorList,
    error_words::in_words,
    live::use_live,
    paths::room_path,
    server_fns::{list_rooms, CreateRoom, GoToRoom},
};

#[component]
pub fn LobbyPage() -> impl IntoView {
    let initial = Resource::new(|| (), |_| list_rooms());
    let finder = RwSignal::new(Finder::default());

    view! {
        <section class="page lobby">
            <div class="lobby-header">
                <h1>"Rooms"</h1>
                <NewRoom/>
            </div>
            <RoomFinder finder/>
            <Suspense fallback=|| view! { <p class="loading">"Loading rooms…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {move || Suspend::new(async move {
                        let initial = initial.await?;
                        Ok::<_, ServerFnError>(view! { <LiveRoomList initial finder/> })
                    })}
                </ErrorBoundary>
            </Suspense>
            <JoinByName/>
            <FriendsOnline/>
        </section>
    }
}

/// "Search rooms", the order, and "Hide full rooms".
#[component]
fn RoomFinder(finder: RwSignal<Finder>) -> impl IntoView {
    let orders = Order::ALL
        .map(|(_, value, label)| view! { <option value=value>{label}</option> })
        .collect_view();
    view! {
        <div class="room-finder" role="search">
            <label>"Search rooms"
                <input type="search" prop:value=move || finder.with(|f| f.query.clone())
                    on:input=move |e| finder.update(|f| f.query = event_target_value(&e))/>
            </label>
            <label>"Sort by"
                <select on:change=move |e| finder.update(|f| f.order = Order::from_value(&event_target_value(&e)))>
                    {orders}
                </select>
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || finder.with(|f| f.hide_full)
                    on:change=move |e| finder.update(|f| f.hide_full = event_target_checked(&e))/>
                "Hide full rooms"
            </label>
        </div>
    }
}

/// The list the server rendered, then the server's pushes once this part of the page is live;
/// either as the finder asks.
#[component]
fn LiveRoomList(initial: Vec<RoomSummary>, finder: RwSignal<Finder>) -> impl IntoView {
    let live = use_live();
    let pushed = live.rooms;
    // Hydration must see exactly what the server rendered, even if a push came in meanwhile:
    // effects run only after this component has hydrated (and only in the browser).
    let hydrated = RwSignal::new(false);
    Effect::new({
        let live = live.clone();
        move |_| {
            hydrated.set(true);
            // The room the player comes back from (they are still in it) is the latest one.
            // Kept here rather than on the room's page, whose first visit carries no code it
            // does not need. Only in the browser, once hydrated: the server cannot know them.
            if let Some(room) = live.room.get_untracked() {
                crate::recent_rooms::remember(&room.name);
            }
            finder.update(|finder| finder.recent = crate::recent_rooms::recent());
            live.show_room_list(true);
        }
    });
    // Nobody looks at the list once this page is gone: stop its pushes.
    on_cleanup(move || {
        if live.shows_room_list.get_untracked() {
            live.show_room_list(false);
        }
    });
    move || {
        let rooms = pushed.get().filter(|_| hydrated.get());
        let rooms = finder.with(|finder| find(rooms.as_ref().unwrap_or(&initial), finder));
        view! { <RoomList rooms/> }
    }
}

#[component]
fn RoomList(rooms: Vec<RoomSummary>) -> impl IntoView {
    if rooms.is_empty() {
        return view! { <p class="hint" role="status">"No room matches."</p> }.into_any();
    }
    let now = now_ms();
    view! {
        <ul class="room-list" aria-label="Rooms">
            {rooms.into_iter().map(|room| view! { <RoomCard room now/> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A room as the lobby shows it: its name, whether it asks for a password or is full, how many
/// play and who (the first few, in their colours), and how long it has been going.
#[component]
fn RoomCard(room: RoomSummary, now: i64) -> impl IntoView {
    let players = format!("{} / {}", room.player_count, room.max_players);
    let full = finder::is_full(&room);
    let more = (room.player_count as usize).saturating_sub(room.players.len());
    let who = room
        .players
        .into_iter()
        .map(|player| {
            let color = format!("background:{}", player.color);
            view! { <li><span class="swatch" style=color></span>{player.name}</li> }
        })
        .collect_view();
    let since = when::active_for(room.created_at, now);
    view! {
        <li class="room card">
            <A href=room_path(&room.name)>
                <span class="title">
                    <span class="room-name">{room.name}</span>
                    {room.has_password.then(|| view! { <span class="badge quiet">"🔒 Password"</span> })}
                    {full.then(|| view! { <span class="badge warn">"Full"</span> })}
                    <span class="room-players" title="Players">{players}</span>
                </span>
                {match room.player_count {
                    0 => view! { <span class="meta">"No one here yet"</span> }.into_any(),
                    _ => view! {
                        <ul class="who" aria-label="Playing">
                            {who}
                            {(more > 0).then(|| view! { <li class="meta">{format!("+{more} more")}</li> })}
                        </ul>
                    }.into_any(),
                }}
                {since.map(|since| view! { <span class="since">{since}</span> })}
            </A>
        </li>
    }
}

/// Now, in Unix ms, wherever the page is rendered.
fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    let now = js_sys::Date::now() as i64;
    #[cfg(not(feature = "hydrate"))]
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as i64);
    now
}

/// "Create room": a dialog (a popover, so it opens before the page is live) whose form posts to
/// the server, which creates the room and answers with its page. Once the page is live the form
/// is sent without leaving the page, and the router follows the answer to the room.
#[component]
fn NewRoom() -> impl IntoView {
    let create = ServerAction::<CreateRoom>::new();
    let refused = move || match create.value().get() {
        Some(Err(error)) => Some(in_words(&error)),
        _ => None,
    };
    view! {
        <button class="primary" popovertarget="create-room">"Create room"</button>
        <div id="create-room" popover="auto" class="dialog panel" role="dialog" aria-label="Create room">
            <h2>"Create a room"</h2>
            <ActionForm action=create attr:class="settings-form">
                <label>"Room name"
                    <input type="text" name="name" required maxlength=MAX_ROOM_NAME_CHARS.to_string()/>
                </label>
                <label>"Password"
                    <input type="password" name="password" placeholder="Optional" autocomplete="new-password"/>
                </label>
                <label>"Max players"
                    <input type="number" name="max_players" min="1" max=MAX_PLAYERS_LIMIT.to_string()
                        value=DEFAULT_MAX_PLAYERS.to_string()/>
                </label>
                <label class="check"><input type="checkbox" name="private"/>"Private"</label>
                <button type="submit" class="primary">"Create"</button>
            </ActionForm>
            {move || refused().map(|message| view! { <p class="warning" role="alert">{message}</p> })}
            <button popovertarget="create-room" popovertargetaction="hide">"Cancel"</button>
        </div>
    }
}

/// Private rooms are not listed: players reach them by name (and password).
#[component]
fn JoinByName() -> impl IntoView {
    let live = use_live();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let navigate = use_navigate();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let room = name.get_untracked().trim().to_owned();
        if room.is_empty() {
            return;
        }
        let password = Some(password.get_untracked()).filter(|p| !p.is_empty());
        live.join_room(room.clone(), password);
        navigate(&room_path(&room), Default::default());
    };
    // Posted before the page is live, the form goes to the room's page (which asks for the
    // password if the room has one); once live, the page joins with the password at once.
    let action = <GoToRoom as leptos::server_fn::ServerFn>::url();
    view! {
        <form class="join-by-name panel" method="post" action=action on:submit=submit>
            <h2>"Join a room by name"</h2>
            <label>"Room"
                <input type="text" name="room" prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
            </label>
            <label>"Room password"
                <input type="password" prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
            </label>
            <button type="submit">"Join"</button>
        </form>
    }
}
