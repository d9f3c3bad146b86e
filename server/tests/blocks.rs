//! Blocking, through the real server: the blocker's rooms stop sending them the blocked
//! player's notes and chat (and their lines in the history), at once on every open socket;
//! a guest's list lasts with their session, a member's on the account (on both backends);
//! and the list's rules hold against bad ids, oneself and its cap.

mod common;
mod support {
    pub mod backends;
    pub mod browser;
    pub mod oauth_provider;
}

use common::{TestServer, WsClient};
use pianorhythm_core::{
    domain::block::MAX_BLOCKS,
    protocol::{
        client_message::Kind as Request, server_message::Kind, ChatSend, NoteBatch, NoteEvent,
        NoteEventKind,
    },
};
use pianorhythm_test_support::secantus::Secantus;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{
    backends::server_on,
    browser::{member, Browser},
    oauth_provider::OAuthProvider,
};
use tempfile::TempDir;

async fn guest(server: &TestServer) -> Browser {
    let browser = Browser::new(server);
    browser.visit().await;
    browser
}

async fn block(browser: &Browser, player_id: &str, name: &str) -> (StatusCode, Value) {
    let response = browser
        .http
        .post(browser.url("/api/v1/blocks"))
        .json(&json!({ "playerId": player_id, "name": name }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn unblock(browser: &Browser, player_id: &str) -> StatusCode {
    let url = browser.url(&format!("/api/v1/blocks/{player_id}"));
    browser.http.delete(url).send().await.unwrap().status()
}

async fn blocked_names(browser: &Browser) -> Vec<String> {
    let list: Value = browser.get("/api/v1/blocks").await.json().await.unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|block| block["name"].as_str().unwrap().to_owned())
        .collect()
}

/// A browser's socket in the Lobby, with its player id.
async fn in_lobby(browser: &Browser) -> (WsClient, String) {
    let (mut socket, welcome) = browser.connect().await;
    socket.enter("Lobby").await;
    (socket, welcome.you.unwrap().id)
}

async fn say(socket: &mut WsClient, text: &str) {
    let text = text.to_owned();
    socket.request(Request::Chat(ChatSend { text })).await;
}

async fn play(socket: &mut WsClient) {
    let event = NoteEvent {
        offset_ms: 0,
        kind: NoteEventKind::NoteOn as i32,
        key: 60,
        value: 100,
    };
    let batch = NoteBatch {
        time: 1.0,
        events: vec![event],
    };
    socket.request(Request::Notes(batch)).await;
}

/// What `socket` was sent until now: note batches by sender, and chat lines' texts.
async fn heard(socket: &mut WsClient) -> (Vec<String>, Vec<String>) {
    let (mut notes, mut chat) = (Vec::new(), Vec::new());
    for kind in socket.drain().await {
        match kind {
            Kind::Notes(relayed) => notes.push(relayed.sender_id),
            Kind::Chat(message) => chat.push(message.text),
            _ => {}
        }
    }
    (notes, chat)
}

/// The troll plays and says `line`, then the bystander says "hi"; waits until each line is
/// back to its sender, so everything has been sent.
async fn troll_then_bystander(troll: &mut WsClient, bystander: &mut WsClient, line: &str) {
    play(troll).await;
    say(troll, line).await;
    troll
        .wait_for(|kind| match kind {
            Kind::Chat(message) if message.text == line => Some(()),
            _ => None,
        })
        .await;
    say(bystander, "hi").await;
    bystander
        .wait_for(|kind| match kind {
            Kind::Chat(message) if message.text == "hi" => Some(()),
            _ => None,
        })
        .await;
}

/// Whether `listener` hears `player`'s notes: the player plays, then says "heard?", which
/// comes after the notes.
async fn hears_notes_of(listener: &mut WsClient, player: &mut WsClient, player_id: &str) -> bool {
    listener.drain().await;
    play(player).await;
    say(player, "heard?").await;
    let mut heard = false;
    listener
        .wait_for(|kind| match kind {
            Kind::Notes(relayed) if relayed.sender_id == player_id => {
                heard = true;
                None
            }
            Kind::Chat(message) if message.text == "heard?" => Some(()),
            _ => None,
        })
        .await;
    heard
}

#[tokio::test]
async fn a_guest_hears_nothing_more_of_a_blocked_player_on_every_tab_until_unblocked() {
    // The players here say more than the chat's burst.
    let server = TestServer::start_with(|config| config.limits.chat_burst = 100.0).await;
    let (ana, troll, bo) = (
        guest(&server).await,
        guest(&server).await,
        guest(&server).await,
    );
    let (mut ana_socket, ana_id) = in_lobby(&ana).await;
    let (mut troll_socket, troll_id) = in_lobby(&troll).await;
    let (mut bo_socket, _) = in_lobby(&bo).await;
    troll_then_bystander(&mut troll_socket, &mut bo_socket, "before").await;
    heard(&mut ana_socket).await;

    let (status, blocked) = block(&ana, &troll_id, "Troll").await;
    assert_eq!(status, StatusCode::CREATED, "{blocked}");
    assert_eq!(blocked["playerId"], troll_id.as_str());
    assert_eq!(blocked["name"], "Troll");
    troll_then_bystander(&mut troll_socket, &mut bo_socket, "spam").await;
    let (notes, chat) = heard(&mut ana_socket).await;
    assert!(
        !notes.contains(&troll_id),
        "no note of the troll: {notes:?}"
    );
    assert_eq!(chat, ["hi"], "only the bystander's line");
    // Others still hear the troll, and the troll hears the blocker.
    assert!(hears_notes_of(&mut bo_socket, &mut troll_socket, &troll_id).await);
    assert!(hears_notes_of(&mut troll_socket, &mut ana_socket, &ana_id).await);
    heard(&mut ana_socket).await;

    // A second tab (same cookie) reads the history without the troll's lines, and hears
    // nothing of them either.
    let (mut second_tab, _) = ana.connect().await;
    let history: Vec<String> = second_tab
        .enter("Lobby")
        .await
        .recent_chat
        .into_iter()
        .map(|message| message.text)
        .collect();
    assert!(history.contains(&"hi".to_owned()), "{history:?}");
    assert!(
        !history
            .iter()
            .any(|line| line == "spam" || line == "before"),
        "{history:?}"
    );
    heard(&mut second_tab).await;
    troll_then_bystander(&mut troll_socket, &mut bo_socket, "more spam").await;
    assert_eq!(heard(&mut second_tab).await.1, ["hi"]);

    // The list lasts with the guest's session, and names whom it holds.
    assert_eq!(blocked_names(&ana).await, ["Troll"]);
    drop(ana_socket);
    let (mut again, _) = in_lobby(&ana).await;
    heard(&mut again).await;
    troll_then_bystander(&mut troll_socket, &mut bo_socket, "still spam").await;
    assert_eq!(heard(&mut again).await.1, ["hi"]);

    // Unblocked: heard again at once, on every tab.
    assert_eq!(unblock(&ana, &troll_id).await, StatusCode::NO_CONTENT);
    assert_eq!(unblock(&ana, &troll_id).await, StatusCode::NO_CONTENT);
    assert!(blocked_names(&ana).await.is_empty());
    heard(&mut second_tab).await;
    troll_then_bystander(&mut troll_socket, &mut bo_socket, "welcome back").await;
    let (notes, chat) = heard(&mut second_tab).await;
    assert!(notes.contains(&troll_id));
    assert_eq!(chat, ["welcome back", "hi"]);
    // Someone else's block never touched the bystander.
    assert!(blocked_names(&bo).await.is_empty());
}

#[tokio::test]
async fn a_block_list_refuses_oneself_bad_ids_and_more_than_its_cap() {
    // The cap is reached with more requests than one address may make in a burst.
    let server = TestServer::start_with(|config| config.http.burst = 10 * MAX_BLOCKS as u32).await;
    let (ana, bo) = (guest(&server).await, guest(&server).await);
    let (_ana_socket, ana_id) = in_lobby(&ana).await;
    let (_bo_socket, bo_id) = in_lobby(&bo).await;

    let (status, error) = block(&ana, &ana_id, "me").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(error["error"].as_str().unwrap().contains("yourself"));
    for bad in ["", "{\"$gt\": \"\"}", "a b", &"f".repeat(65)] {
        let (status, _) = block(&ana, bad, "x").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
    }
    let (status, _) = block(&ana, "lobby", "x").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not a player's id");
    // A name that is no name (markup, invisible text) is shown as "a guest".
    let (status, blocked) = block(&ana, &bo_id, "\u{200b}\u{200b}").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(blocked["name"], "a guest");
    // Blocking again is no second entry.
    block(&ana, &bo_id, "Bo").await;
    assert_eq!(blocked_names(&ana).await, ["Bo"]);

    for n in 1..MAX_BLOCKS {
        let (status, _) = block(&ana, &format!("{n:024x}"), "someone").await;
        assert_eq!(status, StatusCode::CREATED, "block {n}");
    }
    let (status, error) = block(&ana, &format!("{:024x}", MAX_BLOCKS), "one more").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(error["error"]
        .as_str()
        .unwrap()
        .contains("unblock one first"));
    assert_eq!(blocked_names(&ana).await.len(), MAX_BLOCKS);
    // Blocking one already there still works (it renames them), and unblocking makes room.
    assert_eq!(block(&ana, &bo_id, "Bo again").await.0, StatusCode::CREATED);
    assert_eq!(unblock(&ana, &bo_id).await, StatusCode::NO_CONTENT);
    assert_eq!(
        block(&ana, &format!("{:024x}", MAX_BLOCKS), "one more")
            .await
            .0,
        StatusCode::CREATED
    );
}

/// A member's list is on the account: another browser signed in as them finds it, and their
/// socket there is sent nothing of the blocked player.
async fn a_members_blocks_follow_the_account(mongo: Option<&Secantus>) {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, mongo, |_| {}).await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let (troll, troll_id) = member(&server, &provider, "troll").await;
    let bystander = guest(&server).await;
    let (status, blocked) = block(&mia, &troll_id, "anything").await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        blocked["name"], "troll",
        "a member is named by their profile"
    );

    let elsewhere = Browser::new(&server);
    elsewhere.visit().await;
    let claims = json!({ "sub": "mia-1", "preferred_username": "mia" });
    elsewhere.sign_in(&provider, claims, "mia").await;
    assert_eq!(blocked_names(&elsewhere).await, ["troll"]);
    let (mut mia_socket, mia_seen) = in_lobby(&elsewhere).await;
    assert_eq!(mia_seen, mia_id);
    let (mut troll_socket, _) = in_lobby(&troll).await;
    let (mut bystander_socket, _) = in_lobby(&bystander).await;
    heard(&mut mia_socket).await;
    troll_then_bystander(&mut troll_socket, &mut bystander_socket, "spam").await;
    let (notes, chat) = heard(&mut mia_socket).await;
    assert!(!notes.contains(&troll_id));
    assert_eq!(chat, ["hi"]);
    drop(mia);
}

#[tokio::test]
async fn a_members_blocks_follow_the_account_on_sqlite() {
    a_members_blocks_follow_the_account(None).await;
}

#[tokio::test]
async fn a_members_blocks_follow_the_account_on_mongodb() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    a_members_blocks_follow_the_account(Some(&mongo)).await;
}
