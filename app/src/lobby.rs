//! The lobby page: the live rooms (rendered on the server, then kept current by the server's
//! pushes), searched and ordered as the player asks (`finder`), creating a room, and joining a
//! private one by name.

mod finder;

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_navigate};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use pianorhythm_api::when;
use pianorhythm_core::{protocol, rooms::RoomSummary};

use self::finder::{find, Finder, Order};
use crate::{
    account::FriendsOnline,
    components::settings_form::SettingsForm,
    error_page::ErrorList,
    live::{use_live, JoinState},
    server_fns::list_rooms,
};

#[component]
pub fn LobbyPage() -> impl IntoView {
    let initial = Resource::new(|| (), |_| list_rooms());
    let finder = RwSignal::new(Finder::default());

    view! {
        <section class="page lobby">
            <div class="lobby-header">
                <h1>"Rooms"</h1>
                <CreateRoom/>
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
            // Only in the browser, once hydrated: the server cannot know them.
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

/// Everything but RFC 3986's unreserved characters is escaped in a room's address.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The address of a room's page.
pub fn room_path(name: &str) -> String {
    format!("/room/{}", utf8_percent_encode(name, PATH_SEGMENT))
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

#[component]
fn CreateRoom() -> impl IntoView {
    let live = use_live();
    let open = RwSignal::new(false);
    let navigate = use_navigate();
    let created_name = RwSignal::new(None::<String>);
    // Once the server has put the player in the new room, go to its page.
    Effect::new({
        let live = live.clone();
        move |_| {
            let Some(name) = created_name.get() else {
                return;
            };
            let joined = live.room.with(|room| {
                room.as_ref()
                    .is_some_and(|room| room.name.eq_ignore_ascii_case(&name))
            });
            if joined {
                created_name.set(None);
                open.set(false);
                navigate(&room_path(&name), Default::default());
            }
        }
    });
    let on_submit = {
        let live = live.clone();
        Callback::new(move |settings: protocol::RoomSettingsUpdate| {
            // One request at a time: a second click would only meet "name taken".
            if live.join.get_untracked() != JoinState::Joining {
                created_name.set(settings.name.clone());
                live.create_room(settings);
            }
        })
    };
    let refused = move || match live.join.get() {
        JoinState::Refused { message, .. } if open.get() => Some(message),
        _ => None,
    };
    view! {
        <button class="primary" on:click=move |_| open.set(true)>"Create room"</button>
        <Show when=move || open.get()>
            <div class="dialog-backdrop">
                <div class="dialog panel" role="dialog" aria-modal="true" aria-label="Create room">
                    <h2>"Create a room"</h2>
                    <SettingsForm submit_label="Create" on_submit/>
                    {move || refused().map(|message| view! { <p class="warning" role="alert">{message}</p> })}
                    <button on:click=move |_| open.set(false)>"Cancel"</button>
                </div>
            </div>
        </Show>
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
    view! {
        <form class="join-by-name panel" on:submit=submit>
            <h2>"Join a room by name"</h2>
            <label>"Room"
                <input type="text" prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e))/>
            </label>
            <label>"Room password"
                <input type="password" prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
            </label>
            <button type="submit">"Join"</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::room_path;

    #[test]
    fn room_paths_escape_everything_but_unreserved_characters() {
        assert_eq!(room_path("Jazz-Club_2.0~"), "/room/Jazz-Club_2.0~");
        assert_eq!(
            room_path("Jazz & Blues/ü?#"),
            "/room/Jazz%20%26%20Blues%2F%C3%BC%3F%23"
        );
    }
}
