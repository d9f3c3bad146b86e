//! Friends, through the real server: requests, accepting, declining and removing on both
//! backends; where friends are, pushed live to their friends' sockets; the rules against
//! guests, oneself, unknown players and blocks; and the per-account request limit tried from
//! two sessions of one account.

mod common;
mod support {
    pub mod backends;
    pub mod browser;
    pub mod json_api;
    pub mod oauth_provider;
}

use common::{TestServer, WsClient};
use pianorhythm_core::protocol::{
    presence::State, server_message::Kind, CreateRoom, Presence, RoomSettingsUpdate,
};
use pianorhythm_test_support::secantus::Secantus;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{
    backends::server_on,
    browser::{member, Browser},
    json_api::{many_sign_ins, send},
    oauth_provider::OAuthProvider,
};
use tempfile::TempDir;

async fn add(browser: &Browser, usertag: &str) -> (StatusCode, Value) {
    let url = browser.url("/api/v1/friends");
    send(browser.http.post(url).json(&json!({ "usertag": usertag }))).await
}

async fn accept(browser: &Browser, usertag: &str) -> (StatusCode, Value) {
    let url = browser.url(&format!("/api/v1/friends/{usertag}/accept"));
    send(browser.http.post(url)).await
}

async fn remove(browser: &Browser, usertag: &str) -> StatusCode {
    let url = browser.url(&format!("/api/v1/friends/{usertag}"));
    browser.http.delete(url).send().await.unwrap().status()
}

/// The caller's list as `(usertag, status, presence state)`.
async fn friends(browser: &Browser) -> Vec<(String, String, Option<String>)> {
    let (status, list) = send(browser.http.get(browser.url("/api/v1/friends"))).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list.as_array()
        .unwrap()
        .iter()
        .map(|friend| {
            let state = friend["presence"]["state"].as_str().map(str::to_owned);
            (
                friend["usertag"].as_str().unwrap().to_owned(),
                friend["status"].as_str().unwrap().to_owned(),
                state,
            )
        })
        .collect()
}

fn entry(usertag: &str, status: &str, state: Option<&str>) -> (String, String, Option<String>) {
    (usertag.into(), status.into(), state.map(str::to_owned))
}

async fn members_befriend_and_part(mongo: Option<&Secantus>) {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, mongo, many_sign_ins).await;
    let (mia, _) = member(&server, &provider, "mia").await;
    let (bo, _) = member(&server, &provider, "boa").await;
    let (cy, _) = member(&server, &provider, "cyd").await;

    let (status, asked) = add(&mia, "BOA").await;
    assert_eq!(status, StatusCode::CREATED, "{asked}");
    assert_eq!(asked["status"], "sent");
    assert_eq!(asked["usertag"], "boa");
    assert_eq!(
        add(&mia, "boa").await.1["status"],
        "sent",
        "asking again changes nothing"
    );
    assert_eq!(friends(&mia).await, [entry("boa", "sent", None)]);
    assert_eq!(friends(&bo).await, [entry("mia", "received", None)]);
    assert_eq!(
        accept(&mia, "boa").await.0,
        StatusCode::NOT_FOUND,
        "not one's own request"
    );

    let (status, accepted) = accept(&bo, "mia").await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "friends");
    // Nobody is connected: both offline.
    assert_eq!(
        friends(&mia).await,
        [entry("boa", "friends", Some("offline"))]
    );

    // A request crossing another makes friends at once; declining is removing.
    add(&cy, "mia").await;
    assert_eq!(add(&mia, "cyd").await.1["status"], "friends");
    assert_eq!(remove(&cy, "mia").await, StatusCode::NO_CONTENT);
    assert_eq!(remove(&cy, "mia").await, StatusCode::NO_CONTENT);
    assert_eq!(
        friends(&mia).await,
        [entry("boa", "friends", Some("offline"))]
    );
    assert!(friends(&cy).await.is_empty());

    // Refused, with nothing stored.
    let guest = Browser::new(&server);
    guest.visit().await;
    assert_eq!(add(&guest, "mia").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(add(&mia, "mia").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(add(&mia, "nobody-here").await.0, StatusCode::NOT_FOUND);
    assert_eq!(add(&mia, "{\"$gt\": \"\"}").await.0, StatusCode::NOT_FOUND);
    // A blocker cannot be asked by the blocked, who may not ask back until unblocking; a
    // block ends a friendship.
    let (cy_id, _) = (friends_id(&server, "cyd").await, ());
    let blocked = mia
        .http
        .post(mia.url("/api/v1/blocks"))
        .json(&json!({ "playerId": cy_id }))
        .send()
        .await
        .unwrap();
    assert_eq!(blocked.status(), StatusCode::CREATED);
    let (status, refused) = add(&cy, "mia").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused["error"].as_str().unwrap().contains("does not take"));
    assert!(add(&mia, "cyd").await.1["error"]
        .as_str()
        .unwrap()
        .contains("unblock them first"));
    let bo_id = friends_id(&server, "boa").await;
    mia.http
        .post(mia.url("/api/v1/blocks"))
        .json(&json!({ "playerId": bo_id }))
        .send()
        .await
        .unwrap();
    assert!(
        friends(&mia).await.is_empty(),
        "a blocked friend is a friend no more"
    );
    assert!(friends(&bo).await.is_empty());
}

/// The account id of `usertag`, from their public profile.
async fn friends_id(server: &TestServer, usertag: &str) -> String {
    let profile: Value = server
        .get(&format!("/api/v1/users/{usertag}"))
        .await
        .json()
        .await
        .unwrap();
    profile["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn members_befriend_and_part_on_sqlite() {
    members_befriend_and_part(None).await;
}

#[tokio::test]
async fn members_befriend_and_part_on_mongodb() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    members_befriend_and_part(Some(&mongo)).await;
}

/// The next presence of `friend` that `socket` is sent.
async fn next_presence(socket: &mut WsClient, friend: &str) -> Presence {
    socket
        .wait_for(|kind| match kind {
            Kind::FriendPresence(update) if update.player_id == friend => update.presence,
            _ => None,
        })
        .await
}

#[tokio::test]
async fn friends_are_told_where_a_friend_is_as_it_changes() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (bo, _) = member(&server, &provider, "boa").await;
    let (cy, _) = member(&server, &provider, "cyd").await;
    add(&mia, "boa").await;
    accept(&bo, "mia").await;
    let (mut bo_socket, _) = bo.connect().await;
    // Cy is no friend: told nothing.
    let (mut cy_socket, _) = cy.connect().await;

    let (mut mia_socket, _) = mia.connect().await;
    assert_eq!(
        next_presence(&mut bo_socket, &mia_id).await.state(),
        State::Online
    );
    mia_socket.enter("Lobby").await;
    let in_lobby = next_presence(&mut bo_socket, &mia_id).await;
    assert_eq!(in_lobby.state(), State::InRoom);
    assert_eq!(in_lobby.room_name, "Lobby");
    assert_eq!(
        friends(&bo).await,
        [entry("mia", "friends", Some("in_room"))]
    );
    let listed: Value = bo.get("/api/v1/friends").await.json().await.unwrap();
    assert_eq!(listed[0]["presence"]["roomName"], "Lobby");

    // A private room is not named.
    mia_socket
        .request(pianorhythm_core::protocol::client_message::Kind::Create(
            CreateRoom {
                settings: Some(RoomSettingsUpdate {
                    name: Some("Secret Den".into()),
                    private: Some(true),
                    ..Default::default()
                }),
            },
        ))
        .await;
    let hidden = next_presence(&mut bo_socket, &mia_id).await;
    assert_eq!(hidden.state(), State::InRoom);
    assert_eq!(
        (hidden.room_id.as_str(), hidden.room_name.as_str()),
        ("", "")
    );

    // Gone: offline, last seen just now.
    drop(mia_socket);
    let gone = next_presence(&mut bo_socket, &mia_id).await;
    assert_eq!(gone.state(), State::Offline);
    assert!(gone.last_seen > 0);
    let listed: Value = bo.get("/api/v1/friends").await.json().await.unwrap();
    assert_eq!(listed[0]["presence"]["state"], "offline");
    assert!(listed[0]["presence"]["lastSeen"].as_i64().unwrap() > 0);
    let told: Vec<Kind> = cy_socket.drain().await;
    assert!(
        !told
            .iter()
            .any(|kind| matches!(kind, Kind::FriendPresence(_))),
        "{told:?}"
    );
}

/// Whether `socket` has been told anything of `friend`'s whereabouts since it last looked.
async fn told_of(socket: &mut WsClient, friend: &str) -> bool {
    socket
        .drain()
        .await
        .iter()
        .any(|kind| matches!(kind, Kind::FriendPresence(update) if update.player_id == friend))
}

/// A connected member's moves reach the friends they have now: one made, one removed and one
/// blocked while the member's connection is open (and keeps the list of whom to tell).
#[tokio::test]
async fn moves_reach_the_friends_a_member_has_now() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (bo, _) = member(&server, &provider, "boa").await;
    let (cy, cy_id) = member(&server, &provider, "cyd").await;
    let (mut bo_socket, _) = bo.connect().await;
    let (mut cy_socket, _) = cy.connect().await;
    let (mut mia_socket, _) = mia.connect().await;
    // A first move: Mia's friends (none yet) are read, and kept.
    mia_socket.enter("Lobby").await;
    let den = RoomSettingsUpdate {
        name: Some("Den".into()),
        ..Default::default()
    };

    add(&mia, "boa").await;
    accept(&bo, "mia").await;
    assert_eq!(
        next_presence(&mut bo_socket, &mia_id).await.room_name,
        "Lobby"
    );
    mia_socket.create_room(den).await;
    assert_eq!(
        next_presence(&mut bo_socket, &mia_id).await.room_name,
        "Den"
    );

    assert_eq!(remove(&bo, "mia").await, StatusCode::NO_CONTENT);
    mia_socket.enter("Lobby").await;
    assert!(
        !told_of(&mut bo_socket, &mia_id).await,
        "told a friend no more"
    );

    add(&cy, "mia").await;
    accept(&mia, "cyd").await;
    mia_socket.enter("Den").await;
    assert_eq!(
        next_presence(&mut cy_socket, &mia_id).await.room_name,
        "Lobby"
    );
    assert_eq!(
        next_presence(&mut cy_socket, &mia_id).await.room_name,
        "Den"
    );
    let blocked = mia
        .http
        .post(mia.url("/api/v1/blocks"))
        .json(&json!({ "playerId": cy_id, "name": "cyd" }))
        .send()
        .await
        .unwrap();
    assert!(blocked.status().is_success(), "{}", blocked.status());
    mia_socket.enter("Lobby").await;
    assert!(
        !told_of(&mut cy_socket, &mia_id).await,
        "told a blocked friend"
    );
}

#[tokio::test]
async fn friend_requests_are_limited_per_account_across_its_sessions() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let (mia, _) = member(&server, &provider, "mia").await;
    // A second session of the same account draws on the same allowance.
    let second = Browser::new(&server);
    second.visit().await;
    let claims = json!({ "sub": "mia-1", "preferred_username": "mia" });
    second.sign_in(&provider, claims, "mia").await;
    for n in 0..21 {
        member(&server, &provider, &format!("player{n}")).await;
    }
    for n in 0..20 {
        let session = if n % 2 == 0 { &mia } else { &second };
        let (status, answer) = add(session, &format!("player{n}")).await;
        assert_eq!(status, StatusCode::CREATED, "request {n}: {answer}");
    }
    let (status, refused) = add(&second, "player20").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{refused}");
    // Asking again someone already asked costs nothing and still answers.
    assert_eq!(add(&mia, "player3").await.0, StatusCode::CREATED);
}
