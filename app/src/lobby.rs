//! The lobby page: the live rooms, rendered on the server and hydrated in the browser.

use leptos::prelude::*;
use pianorhythm_core::rooms::RoomSummary;

use crate::{error_page::ErrorList, server_fns::list_rooms};

#[component]
pub fn LobbyPage() -> impl IntoView {
    let rooms = Resource::new(|| (), |_| list_rooms());

    view! {
        <section class="page lobby">
            <h1>"Rooms"</h1>
            <Suspense fallback=|| view! { <p class="loading">"Loading rooms…"</p> }>
                <ErrorBoundary fallback=|errors| view! { <ErrorList errors/> }>
                    {move || Suspend::new(async move {
                        rooms.await.map(|rooms| view! { <RoomList rooms/> })
                    })}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

#[component]
fn RoomList(rooms: Vec<RoomSummary>) -> impl IntoView {
    view! {
        <ul class="room-list" aria-label="Rooms">
            {rooms
                .into_iter()
                .map(|room| {
                    let players = format!("{} / {}", room.player_count, room.max_players);
                    view! {
                        <li class="room">
                            <span class="room-name">{room.name}</span>
                            <span class="room-players">{players}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
