//! Friends, for members: the `/friends` page (requests either way, friends with where they
//! are, "Add friend" by usertag), the "Add friend" button of a profile, and the lobby's
//! "Friends online". Where a friend is comes with the list, then live from the server
//! (`Live::social`), so a friend who moves shows within moments.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use pianorhythm_api::{
    social::{FriendView, PresenceView},
    when::utc_minute,
};

use crate::error_words::in_words;
use crate::{
    live::use_live,
    server_fns_social::{accept_friend, add_friend, list_friends, remove_friend},
};

/// The caller's friends and requests as last read: `None` while reading.
type FriendList = RwSignal<Option<Result<Vec<FriendView>, String>>>;

/// Reads the list (again) into `friends`.
fn read_friends(friends: FriendList) {
    spawn_local(async move {
        let list = list_friends().await.map_err(|error| in_words(&error));
        friends.set(Some(list));
    });
}

/// A list of friends read in the browser once the page is live (it is the player's own).
fn friend_list() -> FriendList {
    let friends: FriendList = RwSignal::new(None);
    Effect::new(move || read_friends(friends));
    friends
}

/// Where `friend` is: what the server last pushed, else what the list said.
fn whereabouts(friend: &FriendView) -> Signal<Option<PresenceView>> {
    let live = use_live();
    let (id, listed) = (friend.player_id.clone(), friend.presence.clone());
    Signal::derive(move || {
        live.social.with(|news| {
            news.friends
                .iter()
                .find(|update| update.player_id == id)
                .and_then(|update| update.presence.clone())
                .map(PresenceView::from)
                .or_else(|| listed.clone())
        })
    })
}

/// "Online", "In <room>" with "Join", "In a private room", or "Offline" and when last seen.
#[component]
fn Whereabouts(presence: Signal<Option<PresenceView>>) -> impl IntoView {
    move || {
        let presence = presence.get()?;
        Some(match (presence.state.as_str(), presence.room_name) {
            ("in_room", Some(room)) => {
                let href = crate::paths::room_path(&room);
                view! {
                    <span class="presence in-room">"In " {room.clone()}</span>
                    " "
                    <a class="button small" href=href aria-label=format!("Join {room}")>"Join"</a>
                }
                .into_any()
            }
            ("in_room", None) => {
                view! { <span class="presence in-room">"In a private room"</span> }.into_any()
            }
            ("online", _) => view! { <span class="presence online">"Online"</span> }.into_any(),
            _ => {
                let seen = presence
                    .last_seen
                    .map(|seen| format!(" · last seen {}", utc_minute(seen)))
                    .unwrap_or_default();
                view! { <span class="presence offline">"Offline" {seen}</span> }.into_any()
            }
        })
    }
}

/// A room's name as a path segment.
/// `/friends`.
#[component]
pub fn FriendsPage() -> impl IntoView {
    let friends = friend_list();
    let list = move || match friends.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(Err(error)) => view! {
            <p class="notice" role="alert">{error}</p>
            <p><a href="/signin?return_to=%2Ffriends">"Sign in"</a> " to add friends."</p>
        }
        .into_any(),
        Some(Ok(list)) => view! { <FriendSections list friends/> }.into_any(),
    };
    view! {
        <section class="page friends">
            <h1>"Friends"</h1>
            <AddFriendForm friends/>
            {list}
        </section>
    }
}

/// "Add friend" by usertag.
#[component]
fn AddFriendForm(friends: FriendList) -> impl IntoView {
    let usertag = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        let asked = usertag.get_untracked();
        spawn_local(async move {
            let answer = add_friend(asked.trim().trim_start_matches('@').to_owned()).await;
            outcome.set(Some(match answer {
                Ok(friend) if friend.status == "friends" => {
                    Ok(format!("You and {} are friends.", friend.username))
                }
                Ok(friend) => Ok(format!("Asked {}.", friend.username)),
                Err(error) => Err(in_words(&error)),
            }));
            usertag.set(String::new());
            read_friends(friends);
        });
    };
    view! {
        <form class="add-friend" aria-label="Add friend" on:submit=submit>
            <label>"Usertag"
                <input type="text" required maxlength="33" prop:value=move || usertag.get()
                    on:input=move |event| usertag.set(event_target_value(&event))/>
            </label>
            <button type="submit">"Add friend"</button>
            {move || outcome.get().map(|outcome| match outcome {
                Ok(done) => view! { <p class="saved" role="status">{done}</p> }.into_any(),
                Err(error) => view! { <p class="field-error" role="alert">{error}</p> }.into_any(),
            })}
        </form>
    }
}

/// Requests to answer, friends, and requests waiting for an answer.
#[component]
fn FriendSections(list: Vec<FriendView>, friends: FriendList) -> impl IntoView {
    let section = |title: &'static str, status: &str, empty: &'static str| {
        let rows: Vec<FriendView> = list
            .iter()
            .filter(|f| f.status == status)
            .cloned()
            .collect();
        let body = match rows.is_empty() {
            true => view! { <p class="meta">{empty}</p> }.into_any(),
            false => {
                let rows = rows
                    .into_iter()
                    .map(|friend| view! { <FriendRow friend friends/> })
                    .collect_view();
                view! { <ul class="friend-list" aria-label=title>{rows}</ul> }.into_any()
            }
        };
        view! { <section class="panel"><h2>{title}</h2>{body}</section> }
    };
    view! {
        {section("Friend requests", "received", "No requests.")}
        {section("Your friends", "friends", "No friends yet: add one by their usertag, or from their profile.")}
        {section("Requests you sent", "sent", "None waiting.")}
    }
}

#[component]
fn FriendRow(friend: FriendView, friends: FriendList) -> impl IntoView {
    let presence = whereabouts(&friend);
    let name = friend.username.clone();
    let act = move |accept: bool, usertag: String| {
        spawn_local(async move {
            let done = match accept {
                true => accept_friend(usertag).await.map(|_| ()),
                false => remove_friend(usertag).await,
            };
            match done {
                Ok(()) => read_friends(friends),
                Err(error) => friends.set(Some(Err(in_words(&error)))),
            }
        });
    };
    let (tag, tag2) = (friend.usertag.clone(), friend.usertag.clone());
    let actions = match friend.status.as_str() {
        "received" => view! {
            <button class="small" aria-label=format!("Accept {name}")
                on:click=move |_| act(true, tag.clone())>"Accept"</button>
            <button class="small" aria-label=format!("Decline {name}")
                on:click=move |_| act(false, tag2.clone())>"Decline"</button>
        }
        .into_any(),
        "sent" => view! {
            <button class="small" aria-label=format!("Cancel the request to {name}")
                on:click=move |_| act(false, tag.clone())>"Cancel request"</button>
        }
        .into_any(),
        _ => view! {
            <Whereabouts presence/>
            <a class="button small" href=format!("/messages/{}", friend.usertag)
                aria-label=format!("Message {name}")>"Message"</a>
            <button class="small" aria-label=format!("Remove {name} from friends")
                on:click=move |_| act(false, tag.clone())>"Remove friend"</button>
        }
        .into_any(),
    };
    view! {
        <li class="friend">
            <span class="swatch" style=format!("background: {}", friend.color)></span>
            <a class="name" href=format!("/user/{}", friend.usertag)>{friend.username.clone()}</a>
            " "
            {actions}
        </li>
    }
}

/// A profile's "Add friend" (or "Accept", "Request sent", "Friends"), for signed-in members
/// looking at someone else's.
#[component]
pub fn FriendButton(player_id: String, usertag: String) -> impl IntoView {
    let friends = friend_list();
    let status = move || {
        friends.with(|list| match list {
            Some(Ok(list)) => Some(
                list.iter()
                    .find(|friend| friend.player_id == player_id)
                    .map_or("none", |friend| friend.status.as_str())
                    .to_owned(),
            ),
            _ => None,
        })
    };
    let act = move |accept: bool| {
        let usertag = usertag.clone();
        spawn_local(async move {
            let done = match accept {
                true => add_friend(usertag).await.map(|_| ()),
                false => remove_friend(usertag).await,
            };
            match done {
                Ok(()) => read_friends(friends),
                Err(error) => friends.set(Some(Err(in_words(&error)))),
            }
        });
    };
    let act2 = act.clone();
    move || {
        let error = friends.with(|list| match list {
            Some(Err(error)) => Some(error.clone()),
            _ => None,
        });
        if let Some(error) = error {
            return view! { <p class="field-error" role="alert">{error}</p> }.into_any();
        }
        let (act, act2) = (act.clone(), act2.clone());
        match status().as_deref() {
            None => view! { <button class="small" disabled>"Add friend"</button> }.into_any(),
            Some("none") => view! { <button class="small" on:click=move |_| act(true)>"Add friend"</button> }.into_any(),
            Some("received") => view! { <button class="small" on:click=move |_| act(true)>"Accept friend request"</button> }.into_any(),
            Some("sent") => view! {
                <span class="meta">"Request sent"</span> " "
                <button class="small" on:click=move |_| act2(false)>"Cancel request"</button>
            }
            .into_any(),
            Some(_) => view! {
                <span class="meta">"Friends ✓"</span> " "
                <button class="small" on:click=move |_| act2(false)>"Remove friend"</button>
            }
            .into_any(),
        }
    }
}

/// The lobby's "Friends online", for members with friends: where each is, with "Join".
#[component]
pub fn FriendsOnline() -> impl IntoView {
    // Guests have no friends to ask for: read the list once the player is known as a member.
    let me = use_live().me;
    let member =
        Memo::new(move |_| me.with(|me| me.as_ref().is_some_and(|me| !me.usertag.is_empty())));
    let friends: FriendList = RwSignal::new(None);
    Effect::new(move || {
        if member.get() {
            read_friends(friends);
        }
    });
    move || {
        let list = friends.with(|list| match list {
            Some(Ok(list)) => list
                .iter()
                .filter(|friend| friend.status == "friends")
                .cloned()
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        });
        (!list.is_empty()).then(|| {
            let rows = list
                .into_iter()
                .map(|friend| {
                    let presence = whereabouts(&friend);
                    let online = move || presence.with(|p| p.as_ref().is_some_and(|p| p.state != "offline"));
                    view! {
                        <li class="friend" hidden=move || !online()>
                            <span class="swatch" style=format!("background: {}", friend.color)></span>
                            <a class="name" href=format!("/user/{}", friend.usertag)>{friend.username.clone()}</a>
                            " "
                            <Whereabouts presence/>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="panel friends-online">
                    <h2>"Friends online"</h2>
                    <ul aria-label="Friends online">{rows}</ul>
                    <p class="meta"><a href="/friends">"All friends"</a></p>
                </section>
            }
        })
    }
}
