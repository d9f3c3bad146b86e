//! The seed's room routes through the real server: a bot with a bearer token creates a room,
//! gets a ticket into it and enters it over the WebSocket; tickets are for their player only;
//! joining checks password, bans and capacity; leaving takes every connection of the caller
//! out; the allowances are the WebSocket's; the example bot plays its scale.

mod common;
// The example bot of docs/bots.md, run here as written.
#[path = "../examples/bot.rs"]
#[allow(dead_code)]
mod bot;
mod support {
    pub mod backends;
    pub mod browser;
    pub mod json_api;
    pub mod oauth_provider;
}

use common::{connect_ws_with_headers, TestServer, WsClient};
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, BanPlayer, ErrorCode, LeaveReason,
    NoteBatch, NoteEvent, NoteEventKind, RoomSettingsUpdate, PROTOCOL_VERSION,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{
    backends::server_on,
    browser::member,
    json_api::{many_sign_ins, send},
    oauth_provider::OAuthProvider,
};

/// A member's access token, from a browser signed in as `handle`.
async fn token_of(server: &TestServer, provider: &OAuthProvider, handle: &str) -> String {
    let (browser, _) = member(server, provider, handle).await;
    let (status, pair) = send(browser.http.post(browser.url("/api/v1/auth/token"))).await;
    assert_eq!(status, StatusCode::OK, "{pair}");
    pair["accessToken"].as_str().unwrap().to_owned()
}

/// `POST path` with a bearer token and a JSON body; the status and JSON answer.
async fn post(server: &TestServer, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let request = server.http.post(server.url(path)).bearer_auth(token);
    send(request.json(&body)).await
}

async fn create(server: &TestServer, token: &str, body: Value) -> (StatusCode, Value) {
    post(server, token, "/api/v1/rooms/create", body).await
}

async fn ticket(server: &TestServer, token: &str, room: &str, password: Option<&str>) -> Value {
    let path = format!("/api/v1/rooms/{room}/join");
    let (status, body) = post(server, token, &path, json!({ "password": password })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

/// Opens `/ws?v=1&ticket=...` with the token; the handshake's error status, if refused.
async fn open_with_ticket(
    server: &TestServer,
    token: &str,
    ticket: &str,
) -> Result<WsClient, StatusCode> {
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Error};
    let address = server.server.local_addr();
    let url = format!("ws://{address}/ws?v={PROTOCOL_VERSION}&ticket={ticket}");
    let mut request = url.into_client_request().unwrap();
    let bearer = format!("Bearer {token}").parse().unwrap();
    request.headers_mut().insert("authorization", bearer);
    match tokio_tungstenite::connect_async(request).await {
        Ok((stream, _)) => Ok(WsClient {
            stream,
            cookie: None,
        }),
        Err(Error::Http(response)) => Err(response.status()),
        Err(other) => panic!("the handshake failed: {other}"),
    }
}

/// A connection of the token's account, without a ticket.
async fn open_with_token(server: &TestServer, token: &str) -> WsClient {
    let bearer = format!("Bearer {token}");
    let path = format!("/ws?v={PROTOCOL_VERSION}");
    let headers = [("authorization", bearer.as_str())];
    connect_ws_with_headers(server.server.local_addr(), &path, &headers).await
}

fn note_on(key: u32) -> Request {
    Request::Notes(NoteBatch {
        time: 0.0,
        events: vec![NoteEvent {
            offset_ms: 0,
            kind: NoteEventKind::NoteOn as i32,
            key,
            value: 100,
        }],
    })
}

#[tokio::test]
async fn a_bot_with_a_token_creates_a_room_enters_it_with_a_ticket_and_plays() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let token = token_of(&server, &provider, "pianobot").await;

    let (status, room) = create(
        &server,
        &token,
        json!({"name": "Scales", "private": false, "password": "doremi", "maxPlayers": 4}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{room}");
    assert_eq!(
        (&room["name"], &room["maxPlayers"], &room["hasPassword"]),
        (&json!("Scales"), &json!(4), &json!(true))
    );
    // Answered as the room list shows it.
    let listed = server.active_rooms().await;
    let listed = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == room["id"]);
    assert_eq!(listed, Some(&room));
    let id = room["id"].as_str().unwrap();

    // Another member needs the password; the owner does not.
    let reader = token_of(&server, &provider, "reader").await;
    let path = format!("/api/v1/rooms/{id}/join");
    for wrong in [json!({"password": "nope"}), json!({})] {
        let (status, refused) = post(&server, &reader, &path, wrong).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
        assert_eq!(refused["code"], "forbidden");
    }
    assert!(ticket(&server, &reader, id, Some("doremi")).await["ticket"].is_string());
    let issued = ticket(&server, &token, id, None).await;
    assert_eq!(issued["expiresIn"], 60);

    let mut bot = open_with_ticket(&server, &token, issued["ticket"].as_str().unwrap())
        .await
        .unwrap();
    assert!(matches!(bot.next().await, Kind::Welcome(_)));
    let joined = bot.joined().await;
    assert_eq!(joined.room.unwrap().id, id);

    // A player who knows the password hears the bot's scale.
    let (mut listener, _) = server.player().await;
    listener.join_room(id, Some("doremi")).await;
    listener.joined().await;
    for key in [60, 62, 64, 65, 67] {
        bot.request(note_on(key)).await;
    }
    let mut heard = Vec::new();
    while heard.len() < 5 {
        if let Kind::Notes(notes) = listener.next().await {
            heard.extend(notes.batch.unwrap().events.iter().map(|event| event.key));
        }
    }
    assert_eq!(heard, [60, 62, 64, 65, 67]);
}

#[tokio::test]
async fn a_ticket_is_for_its_player_only_and_must_be_ours() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let ana = token_of(&server, &provider, "annabel").await;
    let bo = token_of(&server, &provider, "bobby").await;
    let (_, room) = create(&server, &ana, json!({"name": "Hers"})).await;
    let issued = ticket(&server, &ana, room["id"].as_str().unwrap(), None).await;
    let ticket = issued["ticket"].as_str().unwrap();

    // Bo holds Ana's ticket: it lets him in nowhere.
    assert_eq!(
        open_with_ticket(&server, &bo, ticket).await.err(),
        Some(StatusCode::FORBIDDEN)
    );
    // A ticket tampered with, or an access token shown as one.
    let mut forged = ticket.to_owned();
    forged.replace_range(forged.len() - 4.., "AAAA");
    for bad in [forged.as_str(), ana.as_str(), "garbage"] {
        assert_eq!(
            open_with_ticket(&server, &ana, bad).await.err(),
            Some(StatusCode::UNAUTHORIZED),
            "{bad}"
        );
    }
    // A ticket is no access token either.
    let (status, _) = send(
        server
            .http
            .get(server.url("/api/v1/users/profile"))
            .bearer_auth(ticket),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Its own player enters with it.
    let mut ana_socket = open_with_ticket(&server, &ana, ticket).await.unwrap();
    assert_eq!(ana_socket.joined().await.room.unwrap().name, "Hers");
}

#[tokio::test]
async fn joining_checks_capacity_bans_and_private_rooms_as_the_socket_does() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let owner = token_of(&server, &provider, "owner").await;
    let guest_token = token_of(&server, &provider, "visitor").await;
    let (_, room) = create(&server, &owner, json!({"name": "Duo", "maxPlayers": 2})).await;
    let id = room["id"].as_str().unwrap();
    let path = format!("/api/v1/rooms/{id}/join");

    let issued = ticket(&server, &owner, id, None).await;
    let mut owner_socket = open_with_ticket(&server, &owner, issued["ticket"].as_str().unwrap())
        .await
        .unwrap();
    owner_socket.joined().await;
    let issued = ticket(&server, &guest_token, id, None).await;
    let mut visitor = open_with_ticket(&server, &guest_token, issued["ticket"].as_str().unwrap())
        .await
        .unwrap();
    let visitor_id = match visitor.next().await {
        Kind::Welcome(welcome) => welcome.you.unwrap().id,
        other => panic!("expected a welcome, got {other:?}"),
    };
    visitor.joined().await;

    // Full: a third player gets no ticket.
    let third = token_of(&server, &provider, "third").await;
    let (status, full) = post(&server, &third, &path, json!({})).await;
    assert_eq!(
        (status, full["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );

    // Banned: no ticket either, and a ticket issued before the ban does not let them back.
    let early = ticket(&server, &guest_token, id, None).await;
    owner_socket
        .request(Request::Ban(BanPlayer {
            participant_id: visitor_id,
            duration_seconds: 600,
            site_wide: false,
        }))
        .await;
    visitor
        .wait_for(|kind| matches!(kind, Kind::RoomLeft(_)).then_some(()))
        .await;
    let (status, banned) = post(&server, &guest_token, &path, json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{banned}");
    assert!(
        banned["error"].as_str().unwrap().contains("banned"),
        "{banned}"
    );
    let mut again = open_with_ticket(&server, &guest_token, early["ticket"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(again.error_code().await, ErrorCode::Banned);

    // A private room says no more than a room that does not exist.
    let (_, hidden) = create(
        &server,
        &owner,
        json!({"name": "Hidden", "private": true, "password": "sesame"}),
    )
    .await;
    assert!(server
        .active_rooms()
        .await
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["id"] != hidden["id"]));
    let hidden_path = format!("/api/v1/rooms/{}/join", hidden["id"].as_str().unwrap());
    let (status, _) = post(&server, &third, &hidden_path, json!({"password": "guess"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(&server, &third, "/api/v1/rooms/nowhere/join", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(ticket(&server, &third, "Hidden", Some("sesame")).await["ticket"].is_string());
}

#[tokio::test]
async fn leaving_takes_every_connection_of_the_caller_out_of_the_room() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let token = token_of(&server, &provider, "twotabs").await;
    let (_, room) = create(&server, &token, json!({"name": "Tabs"})).await;
    let id = room["id"].as_str().unwrap();
    let mut tabs = Vec::new();
    for _ in 0..2 {
        let issued = ticket(&server, &token, id, None).await;
        let mut tab = open_with_ticket(&server, &token, issued["ticket"].as_str().unwrap())
            .await
            .unwrap();
        tab.joined().await;
        tabs.push(tab);
    }
    let mut elsewhere = open_with_token(&server, &token).await;
    elsewhere.enter("lobby").await;
    let (mut other, _) = server.player().await;
    other.enter(id).await;

    let leave = format!("/api/v1/rooms/{id}/leave");
    let (status, _) = post(&server, &token, &leave, json!(null)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    for tab in &mut tabs {
        let left = tab
            .wait_for(|kind| match kind {
                Kind::RoomLeft(left) => Some(left),
                _ => None,
            })
            .await;
        assert_eq!(left.reason(), LeaveReason::Left);
    }
    other
        .wait_for(|kind| matches!(kind, Kind::ParticipantLeft(_)).then_some(()))
        .await;
    // The connection in another room stays where it is.
    assert!(elsewhere
        .drain()
        .await
        .iter()
        .all(|kind| !matches!(kind, Kind::RoomLeft(_))));
    let (status, body) = post(&server, &token, "/api/v1/rooms/nowhere/leave", json!(null)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
}

#[tokio::test]
async fn rooms_created_through_the_api_draw_on_the_sockets_allowance_and_rules() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let token = token_of(&server, &provider, "builder").await;
    // Two rooms over the socket, as the same account...
    let mut socket = open_with_token(&server, &token).await;
    for name in ["One", "Two"] {
        socket
            .create_room(RoomSettingsUpdate {
                name: Some(name.into()),
                ..Default::default()
            })
            .await;
    }
    // ...leave one more this minute through the API.
    let (status, _) = create(&server, &token, json!({"name": "Three"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, over) = create(&server, &token, json!({"name": "Four"})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{over}");
    assert_eq!(over["code"], "over_quota");

    // The socket's rules, in the API's error shape.
    let other = token_of(&server, &provider, "rival").await;
    let (status, taken) = create(&server, &other, json!({"name": "tHREE"})).await;
    assert_eq!(
        (status, taken["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    for bad in [
        json!({"name": ""}),
        json!({"name": "x".repeat(200)}),
        json!({"name": "Big", "maxPlayers": 0}),
        json!({"name": "Big", "maxPlayers": 1000}),
    ] {
        let (status, refused) = create(&server, &other, bad.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {refused}");
        assert!(refused["error"].is_string());
    }
    // A guest (session cookie, no token) may create one too, as over the socket.
    let (status, _) = send(
        server
            .http
            .post(server.url("/api/v1/rooms/create"))
            .json(&json!({"name": "Guest room"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn the_example_bot_plays_a_scale_to_the_first_listener() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let token = token_of(&server, &provider, "scalebot").await;
    let site = format!("http://{}", server.server.local_addr());
    let bot = tokio::spawn(async move {
        bot::play_a_scale(&site, &token, "Bot scales")
            .await
            .map_err(|error| error.to_string())
    });

    // A player finds the bot's room in the list and joins it.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    let id = loop {
        let rooms = server.active_rooms().await;
        let found = rooms
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Bot scales");
        if let Some(room) = found {
            break room["id"].as_str().unwrap().to_owned();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the bot made no room"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let (mut listener, _) = server.player().await;
    listener.enter(&id).await;
    let mut heard = Vec::new();
    while heard.len() < 16 {
        if let Kind::Notes(notes) = listener.next().await {
            let events = notes.batch.unwrap().events;
            heard.extend(events.iter().map(|event| (event.kind(), event.key)));
        }
    }
    let scale = [60, 62, 64, 65, 67, 69, 71, 72];
    let expected: Vec<_> = scale
        .iter()
        .flat_map(|&key| [(NoteEventKind::NoteOn, key), (NoteEventKind::NoteOff, key)])
        .collect();
    assert_eq!(heard, expected);
    bot.await.unwrap().unwrap();
}

#[tokio::test]
async fn malformed_bodies_and_queries_are_refused_in_the_apis_error_shape() {
    let server = TestServer::start().await;
    let create = server.url("/api/v1/rooms/create");
    let requests = [
        server.http.post(&create).json(&json!({"name": 5})),
        server.http.post(&create).json(&json!({"private": true})),
        server.http.post(&create).body("{\"name\": "),
        server
            .http
            .post(&create)
            .header("content-type", "application/json")
            .body("{,}"),
        server.http.get(server.url("/api/v1/bans?limit=many")),
    ];
    for request in requests {
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["code"], "bad_request", "{body}");
        assert!(!body["error"].as_str().unwrap().is_empty());
    }
    // Nothing was created.
    assert_eq!(server.active_rooms().await.as_array().unwrap().len(), 1);
}
