//! Direct messages and notifications, through the real server on both backends: a
//! conversation kept, paged and read, arriving live on each tab with the header's counts; the
//! rules (members only, not oneself, no blocker, "friends" privacy, length, unknown players)
//! with nothing stored when refused; the per-account limit from two sessions; notifications
//! for friend requests, acceptances, messages and mentions of a member who is elsewhere;
//! messages sent over the socket under the same rules and allowance.

mod common;
mod support {
    pub mod backends;
    pub mod browser;
    pub mod json_api;
    pub mod oauth_provider;
}

use common::WsClient;
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, ChatSend, DirectMessageAnswer,
    ErrorCode, Inbox, SendDirectMessage, SetProfile,
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

async fn message(browser: &Browser, usertag: &str, text: &str) -> (StatusCode, Value) {
    let url = browser.url(&format!("/api/v1/messages/{usertag}"));
    send(browser.http.post(url).json(&json!({ "text": text }))).await
}

async fn get(browser: &Browser, path: &str) -> Value {
    let (status, body) = send(browser.http.get(browser.url(path))).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// The next inbox change `socket` is told of.
async fn next_inbox(socket: &mut WsClient) -> Inbox {
    socket
        .wait_for(|kind| match kind {
            Kind::Inbox(inbox) => Some(inbox),
            _ => None,
        })
        .await
}

async fn members_message_each_other(mongo: Option<&Secantus>) {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, mongo, |config| {
        many_sign_ins(config);
        // Enough at once to fill more than a page.
        config.message_quota.burst = 100;
    })
    .await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (bo, bo_id) = member(&server, &provider, "boa").await;
    let (mut bo_tab, _) = bo.connect().await;
    let connected = next_inbox(&mut bo_tab).await;
    assert_eq!(
        (
            connected.unread_conversations,
            connected.unread_notifications
        ),
        (0, 0),
        "a member's connection starts with their counts"
    );
    let (mut bo_other_tab, _) = bo.connect().await;
    next_inbox(&mut bo_other_tab).await;
    let (mut mia_tab, _) = mia.connect().await;
    next_inbox(&mut mia_tab).await;

    let (status, sent) = message(&mia, "BOA", "  hello, Bo  ").await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(
        (sent["mine"].clone(), sent["text"].clone()),
        (json!(true), json!("hello, Bo"))
    );
    for tab in [&mut bo_tab, &mut bo_other_tab] {
        let arrived = next_inbox(tab).await;
        assert_eq!(
            (arrived.message_from.as_str(), arrived.message_to.as_str()),
            (&*mia_id, &*bo_id)
        );
        assert_eq!(arrived.message_text, "hello, Bo");
        assert!(!arrived.message_id.is_empty());
        assert_eq!(arrived.unread_conversations, 1);
        assert_eq!(arrived.notice, "mia sent you a message");
        assert_eq!(arrived.notice_link, "/messages/mia");
        assert_eq!(
            arrived.unread_notifications, 0,
            "a member who is here is told, and nothing is kept"
        );
    }
    let echoed = next_inbox(&mut mia_tab).await;
    assert_eq!(
        echoed.message_text, "hello, Bo",
        "the sender's tabs see it too"
    );
    assert_eq!(echoed.unread_conversations, 0);

    message(&mia, "boa", "second").await;
    let second = next_inbox(&mut bo_tab).await;
    assert_eq!(second.unread_conversations, 1);
    let listed = get(&bo, "/api/v1/messages").await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["with"]["usertag"], "mia");
    assert_eq!(listed[0]["unread"], 2);
    assert_eq!(listed[0]["last"]["text"], "second");
    assert_eq!(listed[0]["last"]["mine"], false);

    let page = get(&bo, "/api/v1/messages/mia").await;
    let texts: Vec<&str> = page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["hello, Bo", "second"], "oldest first");
    assert_eq!(page["more"], false);
    let (status, _) = send(bo.http.post(bo.url("/api/v1/messages/mia/read"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let read = bo_other_tab
        .wait_for(|kind| match kind {
            Kind::Inbox(inbox) if inbox.message_id.is_empty() => Some(inbox),
            _ => None,
        })
        .await;
    assert_eq!(
        read.unread_conversations, 0,
        "read on one tab, counted on all"
    );
    assert_eq!(get(&bo, "/api/v1/messages").await[0]["unread"], 0);

    // Pages of 50, back from the first shown.
    for n in 0..55 {
        let (status, body) = message(&bo, "mia", &format!("line {n}")).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let newest = get(&mia, "/api/v1/messages/boa").await;
    let shown = newest["messages"].as_array().unwrap();
    assert_eq!(shown.len(), 50);
    assert_eq!(shown[49]["text"], "line 54");
    assert_eq!(newest["more"], true);
    let first = shown[0]["id"].as_str().unwrap();
    let older = get(&mia, &format!("/api/v1/messages/boa?before={first}")).await;
    let older: Vec<&str> = older["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        older,
        [
            "hello, Bo",
            "second",
            "line 0",
            "line 1",
            "line 2",
            "line 3",
            "line 4"
        ]
    );
    let (status, _) = send(
        mia.http
            .get(mia.url("/api/v1/messages/boa?before=x%27%20OR%201")),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a page starts at a message id"
    );
}

#[tokio::test]
async fn members_message_each_other_on_sqlite() {
    members_message_each_other(None).await;
}

#[tokio::test]
async fn members_message_each_other_on_mongodb() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    members_message_each_other(Some(&mongo)).await;
}

async fn refused_messages_store_nothing(mongo: Option<&Secantus>) {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, mongo, many_sign_ins).await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (bo, _) = member(&server, &provider, "boa").await;
    let (cy, _) = member(&server, &provider, "cyd").await;
    let guest = Browser::new(&server);
    guest.visit().await;

    let error = |answer: (StatusCode, Value)| {
        (
            answer.0,
            answer.1["error"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(
        message(&guest, "mia", "hi").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        error(message(&mia, "mia", "hi").await),
        (
            StatusCode::BAD_REQUEST,
            "you cannot message yourself".into()
        )
    );
    assert_eq!(
        message(&mia, "nobody-here", "hi").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        message(&mia, "{\"$gt\": \"\"}", "hi").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        message(&mia, "boa", " \u{7} ").await.0,
        StatusCode::BAD_REQUEST
    );
    let (status, too_long) = message(&mia, "boa", &"é".repeat(2_001)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        too_long["error"].as_str().unwrap().contains("2000"),
        "{too_long}"
    );
    let (status, _) = send(
        mia.http
            .post(mia.url("/api/v1/messages/boa"))
            .json(&json!({ "text": 5 })),
    )
    .await;
    assert!(status.is_client_error());
    assert_eq!(
        message(&mia, "boa", &"é".repeat(2_000)).await.0,
        StatusCode::CREATED
    );

    // Bo blocks Mia: she cannot write to him, nor he to her until he unblocks her.
    let blocked = send(
        bo.http
            .post(bo.url("/api/v1/blocks"))
            .json(&json!({ "playerId": mia_id })),
    )
    .await;
    assert_eq!(blocked.0, StatusCode::CREATED);
    assert_eq!(
        error(message(&mia, "boa", "hi").await),
        (
            StatusCode::BAD_REQUEST,
            "this player does not take messages from you".into()
        )
    );
    assert!(error(message(&bo, "mia", "hi").await)
        .1
        .contains("unblock them first"));

    // Cy takes messages from friends only.
    let settings = json!({ "theme": "default", "notifications": true, "privacy": "friends" });
    let (status, body) = send(
        cy.http
            .put(cy.url("/api/v1/users/settings"))
            .json(&settings),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        error(message(&mia, "cyd", "hi").await),
        (
            StatusCode::BAD_REQUEST,
            "this player takes messages from friends only".into()
        )
    );
    send(
        mia.http
            .post(mia.url("/api/v1/friends"))
            .json(&json!({ "usertag": "cyd" })),
    )
    .await;
    send(cy.http.post(cy.url("/api/v1/friends/mia/accept"))).await;
    assert_eq!(
        message(&mia, "cyd", "hi, friend").await.0,
        StatusCode::CREATED
    );

    // Only the two allowed ones were stored.
    let conversations = get(&mia, "/api/v1/messages").await;
    let with: Vec<&str> = conversations
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["with"]["usertag"].as_str().unwrap())
        .collect();
    assert_eq!(with, ["cyd", "boa"]);
    assert_eq!(
        get(&bo, "/api/v1/messages/mia").await["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn refused_messages_store_nothing_on_sqlite() {
    refused_messages_store_nothing(None).await;
}

#[tokio::test]
async fn refused_messages_store_nothing_on_mongodb() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    refused_messages_store_nothing(Some(&mongo)).await;
}

#[tokio::test]
async fn messages_are_limited_per_account_across_its_sessions() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let (mia, _) = member(&server, &provider, "mia").await;
    member(&server, &provider, "boa").await;
    let second = Browser::new(&server);
    second.visit().await;
    let claims = json!({ "sub": "mia-1", "preferred_username": "mia" });
    second.sign_in(&provider, claims, "mia").await;
    for n in 0..5 {
        let session = if n % 2 == 0 { &mia } else { &second };
        let (status, body) = message(session, "boa", &format!("{n}")).await;
        assert_eq!(status, StatusCode::CREATED, "message {n}: {body}");
    }
    let (status, refused) = message(&second, "boa", "one too many").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{refused}");
    assert!(
        refused["error"].as_str().unwrap().contains("try again"),
        "{refused}"
    );
    // A refused message costs nothing and is not stored.
    let page = get(&mia, "/api/v1/messages/boa").await;
    assert_eq!(page["messages"].as_array().unwrap().len(), 5);
    // Over the allowance, a message is refused before its recipient is even looked up.
    let (status, refused) = message(&mia, "nobody-here", "and another").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{refused}");
}

/// Sends a direct message over `socket`; answers the server's answer to it.
async fn message_over(socket: &mut WsClient, usertag: &str, text: &str) -> DirectMessageAnswer {
    let request_id = text.len() as u32 + 1;
    socket
        .request(Request::SendMessage(SendDirectMessage {
            usertag: usertag.into(),
            text: text.into(),
            request_id,
        }))
        .await;
    let answer = socket
        .wait_for(|kind| match kind {
            Kind::MessageAnswer(answer) => Some(answer),
            _ => None,
        })
        .await;
    assert_eq!(
        answer.request_id, request_id,
        "the answer names its message"
    );
    answer
}

async fn messages_over_the_socket_keep_the_apis_rules_and_allowance(mongo: Option<&Secantus>) {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, mongo, many_sign_ins).await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (bo, _) = member(&server, &provider, "boa").await;
    let (mut mia_tab, _) = mia.connect().await;
    next_inbox(&mut mia_tab).await;
    let (mut bo_tab, _) = bo.connect().await;
    next_inbox(&mut bo_tab).await;

    mia_tab
        .request(Request::SendMessage(SendDirectMessage {
            usertag: "BOA".into(),
            text: "  hello over the socket ".into(),
            request_id: 7,
        }))
        .await;
    // The sending tab is told twice, in either order: the answer, and the inbox change.
    let (mut sent, mut echoed) = (None, None);
    while sent.is_none() || echoed.is_none() {
        match mia_tab.next().await {
            Kind::MessageAnswer(answer) => sent = Some(answer),
            Kind::Inbox(inbox) => echoed = Some(inbox),
            _ => {}
        }
    }
    let (sent, echoed) = (sent.unwrap(), echoed.unwrap());
    assert_eq!(sent.request_id, 7);
    assert!(!sent.message_id.is_empty(), "{sent:?}");
    assert_eq!(sent.error, "");
    assert_eq!(
        echoed.message_id, sent.message_id,
        "the sender's tabs see it"
    );
    let arrived = next_inbox(&mut bo_tab).await;
    assert_eq!(
        (arrived.message_id.as_str(), arrived.message_from.as_str()),
        (sent.message_id.as_str(), mia_id.as_str())
    );
    assert_eq!(arrived.message_text, "hello over the socket");
    assert_eq!(arrived.notice, "mia sent you a message");

    // Refused as the API refuses, in words, and the connection goes on.
    let refused = |answer: DirectMessageAnswer| {
        assert!(answer.message_id.is_empty(), "{answer:?}");
        (answer.code(), answer.error)
    };
    let (mut guest_tab, _) = server.connect().await;
    assert_eq!(
        refused(message_over(&mut guest_tab, "boa", "hi").await),
        (ErrorCode::NotAllowed, "sign in first".into())
    );
    assert_eq!(
        refused(message_over(&mut mia_tab, "mia", "hi").await),
        (
            ErrorCode::InvalidMessage,
            "you cannot message yourself".into()
        )
    );
    assert_eq!(
        refused(message_over(&mut mia_tab, "nobody-here", "hi").await).0,
        ErrorCode::PlayerNotFound
    );
    let (code, too_long) = refused(message_over(&mut mia_tab, "boa", &"é".repeat(2_001)).await);
    assert_eq!(code, ErrorCode::InvalidMessage);
    assert!(too_long.contains("2000"), "{too_long}");

    // One allowance for the account, however it sends: 5 at once, then refused.
    for n in 0..2 {
        assert_eq!(
            message(&mia, "boa", &format!("by the API {n}")).await.0,
            StatusCode::CREATED
        );
    }
    for n in 0..2 {
        let answer = message_over(&mut mia_tab, "boa", &format!("by the socket {n}")).await;
        assert!(!answer.message_id.is_empty(), "{answer:?}");
    }
    let (code, words) = refused(message_over(&mut mia_tab, "boa", "one too many").await);
    assert_eq!(code, ErrorCode::RateLimited);
    assert!(words.contains("try again"), "{words}");
    let page = get(&bo, "/api/v1/messages/mia").await;
    assert_eq!(
        page["messages"].as_array().unwrap().len(),
        5,
        "only what was sent is stored: {page}"
    );
}

/// A name changed in one tab (or over the API) is the name every other tab sends with, and the
/// one its room shows: Mia renames herself over the API while her second tab is in the Lobby
/// with Bo, then writes to Bo from that tab.
#[tokio::test]
async fn a_changed_name_reaches_the_members_other_tabs_and_their_room() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, many_sign_ins).await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (bo, _) = member(&server, &provider, "boa").await;
    let (mut first_tab, _) = mia.connect().await;
    let (mut second_tab, _) = mia.connect().await;
    let (mut bo_socket, _) = bo.connect().await;
    second_tab.enter("Lobby").await;
    bo_socket.enter("Lobby").await;

    let url = mia.url("/api/v1/users/profile");
    let (status, renamed) = send(mia.http.put(url).json(&json!({ "username": "Mia Rose" }))).await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    let shown = |kind: Kind| match kind {
        Kind::ParticipantUpdated(update) => update
            .participant
            .filter(|participant| participant.id == mia_id)
            .map(|participant| participant.name),
        _ => None,
    };
    assert_eq!(second_tab.wait_for(shown).await, "Mia Rose");
    assert_eq!(bo_socket.wait_for(shown).await, "Mia Rose");

    let answer = message_over(&mut second_tab, "boa", "hello").await;
    assert!(answer.error.is_empty(), "{answer:?}");
    let told = bo_socket
        .wait_for(|kind| match kind {
            Kind::Inbox(inbox) if !inbox.message_id.is_empty() => Some(inbox),
            _ => None,
        })
        .await;
    assert_eq!(told.notice, "Mia Rose sent you a message");

    // From the piano of the first tab, which is in no room: the room learns it from the second.
    first_tab
        .request(Request::SetProfile(SetProfile {
            name: Some("Mia R.".into()),
            ..Default::default()
        }))
        .await;
    assert_eq!(bo_socket.wait_for(shown).await, "Mia R.");
}

#[tokio::test]
async fn messages_over_the_socket_keep_the_apis_rules_and_allowance_on_sqlite() {
    messages_over_the_socket_keep_the_apis_rules_and_allowance(None).await;
}

#[tokio::test]
async fn messages_over_the_socket_keep_the_apis_rules_and_allowance_on_mongodb() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    messages_over_the_socket_keep_the_apis_rules_and_allowance(Some(&mongo)).await;
}

async fn notifications_tell_of_friends_messages_and_mentions(mongo: Option<&Secantus>) {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, mongo, many_sign_ins).await;
    let (mia, _) = member(&server, &provider, "mia").await;
    let (bo, _) = member(&server, &provider, "boa").await;
    let (mut bo_tab, _) = bo.connect().await;
    next_inbox(&mut bo_tab).await;

    send(
        mia.http
            .post(mia.url("/api/v1/friends"))
            .json(&json!({ "usertag": "boa" })),
    )
    .await;
    let asked = next_inbox(&mut bo_tab).await;
    assert_eq!(asked.unread_notifications, 1);
    assert_eq!(
        (asked.notice.as_str(), asked.notice_link.as_str()),
        ("mia sent you a friend request", "/friends")
    );
    // Asking again tells nothing more.
    send(
        mia.http
            .post(mia.url("/api/v1/friends"))
            .json(&json!({ "usertag": "boa" })),
    )
    .await;
    send(bo.http.post(bo.url("/api/v1/friends/mia/accept"))).await;
    send(bo.http.post(bo.url("/api/v1/friends/mia/accept"))).await;
    let accepted = get(&mia, "/api/v1/notifications").await;
    let texts: Vec<&str> = accepted
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        ["boa accepted your friend request"],
        "once, however often accepted"
    );
    assert_eq!(accepted[0]["kind"], "friend_accepted");
    assert_eq!(accepted[0]["read"], false);

    // Mia mentions Bo in the Lobby while he is in no room: told. Once he is there: not.
    let (mut mia_tab, _) = mia.connect().await;
    mia_tab.enter("Lobby").await;
    mia_tab
        .request(Request::Chat(ChatSend {
            text: "anyone seen @BOA today?".into(),
        }))
        .await;
    let mentioned = next_inbox(&mut bo_tab).await;
    assert_eq!(
        mentioned.notice,
        "mia mentioned you in Lobby: anyone seen @BOA today?"
    );
    assert_eq!(mentioned.notice_link, "/room/Lobby");
    bo_tab.enter("Lobby").await;
    mia_tab
        .request(Request::Chat(ChatSend {
            text: "there you are @boa".into(),
        }))
        .await;
    mia_tab
        .request(Request::Chat(ChatSend {
            text: "/me mentions @boa".into(),
        }))
        .await;
    let told = bo_tab.drain().await;
    assert!(
        !told.iter().any(|kind| matches!(kind, Kind::Inbox(_))),
        "{told:?}"
    );

    let listed = get(&bo, "/api/v1/notifications").await;
    let kinds: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["mention", "friend_request"], "newest first");
    let (status, _) = send(bo.http.post(bo.url("/api/v1/notifications/read"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(next_inbox(&mut bo_tab).await.unread_notifications, 0);
    assert_eq!(get(&bo, "/api/v1/notifications").await[0]["read"], true);

    // Away, Bo is notified of a message once per unread conversation.
    drop(bo_tab);
    for _ in 0..50 {
        if get(&mia, "/api/v1/friends").await[0]["presence"]["state"] == "offline" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    message(&mia, "boa", "are you there?").await;
    message(&mia, "boa", "hello?").await;
    let listed = get(&bo, "/api/v1/notifications").await;
    assert_eq!(listed[0]["kind"], "message");
    assert_eq!(listed[0]["text"], "mia sent you a message");
    assert_eq!(listed[0]["link"], "/messages/mia");
    assert_eq!(listed[1]["kind"], "mention", "once per unread conversation");
    let guest = Browser::new(&server);
    guest.visit().await;
    assert_eq!(
        send(guest.http.get(guest.url("/api/v1/notifications")))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn notifications_tell_of_friends_messages_and_mentions_on_sqlite() {
    notifications_tell_of_friends_messages_and_mentions(None).await;
}

#[tokio::test]
async fn notifications_tell_of_friends_messages_and_mentions_on_mongodb() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    notifications_tell_of_friends_messages_and_mentions(Some(&mongo)).await;
}

#[tokio::test]
async fn mentions_are_limited_per_account_and_never_reach_a_blocker() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, |config| {
        many_sign_ins(config);
        config.limits.chat_burst = 100.0;
        config.limits.chat_per_second = 100.0;
    })
    .await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (bo, _) = member(&server, &provider, "boa").await;
    let (cy, _) = member(&server, &provider, "cyd").await;
    send(
        cy.http
            .post(cy.url("/api/v1/blocks"))
            .json(&json!({ "playerId": mia_id })),
    )
    .await;
    let (mut mia_tab, _) = mia.connect().await;
    mia_tab.enter("Lobby").await;
    for n in 0..12 {
        let text = format!("@boa @cyd @mia {n}");
        mia_tab.request(Request::Chat(ChatSend { text })).await;
    }
    mia_tab.drain().await;
    // Told in a task once the room took each line: give the last ones a moment.
    let mut told = 0;
    for _ in 0..50 {
        told = get(&bo, "/api/v1/notifications")
            .await
            .as_array()
            .unwrap()
            .len();
        if told >= 10 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        get(&bo, "/api/v1/notifications")
            .await
            .as_array()
            .unwrap()
            .len(),
        10,
        "10 a minute per account"
    );
    assert_eq!(told, 10);
    assert!(
        get(&cy, "/api/v1/notifications")
            .await
            .as_array()
            .unwrap()
            .is_empty(),
        "a blocker is never told"
    );
    assert!(
        get(&mia, "/api/v1/notifications")
            .await
            .as_array()
            .unwrap()
            .is_empty(),
        "nor is the writer"
    );
}
