//! The instrument a player chose is kept for their next visit: in a member's settings, in a
//! guest's session. Connecting again, the player's participant carries it, so the room sees
//! it on join; choosing the piano clears it; a kept value the rules now refuse is the piano;
//! and only a change is written, within the allowance for changes.

mod common;
mod support {
    pub mod backends;
    pub mod browser;
    pub mod oauth_provider;
}

use common::{connect_ws_with_headers, TestServer, WsClient};
use pianorhythm_core::{
    domain::user::ProfileUpdate,
    protocol::{
        client_message::Kind as Request, server_message::Kind, ErrorCode, Instrument,
        InstrumentChoice, Participant, SetProfile, Welcome, PROTOCOL_VERSION,
    },
};
use pianorhythm_store::{Store, StoreConfig};
use pianorhythm_test_support::secantus::Secantus;
use serde_json::Value;
use support::{backends::server_on, browser::member, oauth_provider::OAuthProvider};
use tempfile::TempDir;

fn flute() -> Instrument {
    Instrument {
        bank: 0,
        program: 73,
        name: "Flute".into(),
    }
}

/// The request a page sends when the player picks `instrument` (`None`: the piano).
fn choose(instrument: Option<Instrument>) -> Request {
    Request::SetProfile(SetProfile {
        instrument: Some(InstrumentChoice { instrument }),
        ..Default::default()
    })
}

/// A guest's socket, with the cookie its session came back with, and the welcome.
async fn visit(server: &TestServer, cookie: Option<&str>) -> (WsClient, Welcome) {
    let path = format!("/ws?v={PROTOCOL_VERSION}");
    let mut socket = server.connect_with_cookie(&path, cookie).await;
    let welcome = welcome(&mut socket).await;
    (socket, welcome)
}

async fn welcome(socket: &mut WsClient) -> Welcome {
    match socket.recv().await.kind {
        Some(Kind::Welcome(welcome)) => welcome,
        other => panic!("expected a welcome, got {other:?}"),
    }
}

fn instrument_of(welcome: &Welcome) -> Option<Instrument> {
    welcome.you.as_ref().unwrap().instrument.clone()
}

/// The instrument `id` shows in `socket`'s room when they next join it.
async fn joins_with(socket: &mut WsClient, id: &str) -> Option<Instrument> {
    socket
        .wait_for(|kind| match kind {
            Kind::ParticipantJoined(joined) => shown_by(joined.participant, id),
            _ => None,
        })
        .await
}

/// The instrument `id` shows in `socket`'s room after their next profile change.
async fn updates_to(socket: &mut WsClient, id: &str) -> Option<Instrument> {
    socket
        .wait_for(|kind| match kind {
            Kind::ParticipantUpdated(updated) => shown_by(updated.participant, id),
            _ => None,
        })
        .await
}

fn shown_by(participant: Option<Participant>, id: &str) -> Option<Option<Instrument>> {
    participant
        .filter(|participant| participant.id == id)
        .map(|participant| participant.instrument)
}

/// Waits until `id` has left `socket`'s room (a closed socket leaves a moment later).
async fn left(socket: &mut WsClient, id: &str) {
    socket
        .wait_for(|kind| match kind {
            Kind::ParticipantLeft(left) => (left.participant_id == id).then_some(()),
            _ => None,
        })
        .await;
}

/// A guest picks the flute, reloads (the same cookie) and the room sees them join with it;
/// back on the piano, the next visit starts on the piano.
async fn a_guest_keeps_their_instrument(server: &TestServer) {
    let (mut watcher, _) = server.player().await;
    watcher.enter("Lobby").await;

    let (mut guest, first) = visit(server, None).await;
    let cookie = guest.cookie.clone().expect("a session cookie");
    let id = first.you.unwrap().id;
    guest.enter("Lobby").await;
    guest.request(choose(Some(flute()))).await;
    assert_eq!(updates_to(&mut watcher, &id).await, Some(flute()));
    drop(guest);
    left(&mut watcher, &id).await;

    let (mut guest, again) = visit(server, Some(&cookie)).await;
    assert_eq!(again.you.as_ref().unwrap().id, id, "the same guest");
    assert_eq!(instrument_of(&again), Some(flute()), "the page is told");
    let joined = guest.enter("Lobby").await;
    let me = joined.participants.iter().find(|p| p.id == id).unwrap();
    assert_eq!(me.instrument, Some(flute()));
    assert_eq!(joins_with(&mut watcher, &id).await, Some(flute()));

    guest.request(choose(None)).await;
    assert_eq!(updates_to(&mut watcher, &id).await, None);
    drop(guest);
    left(&mut watcher, &id).await;
    let (_, after_piano) = visit(server, Some(&cookie)).await;
    assert_eq!(instrument_of(&after_piano), None);
}

/// A member picks the flute, comes back with the same cookie and with an access token, and
/// the room sees them join with it; back on the piano, the next visit starts on the piano.
async fn a_member_keeps_their_instrument(server: &TestServer, provider: &OAuthProvider) {
    let (browser, id) = member(server, provider, "mira").await;
    let (mut watcher, _) = server.player().await;
    watcher.enter("Lobby").await;

    let (mut mira, first) = browser.connect().await;
    assert_eq!(instrument_of(&first), None);
    mira.enter("Lobby").await;
    mira.request(choose(Some(flute()))).await;
    assert_eq!(updates_to(&mut watcher, &id).await, Some(flute()));
    drop(mira);
    left(&mut watcher, &id).await;

    let (mut mira, again) = browser.connect().await;
    assert_eq!(instrument_of(&again), Some(flute()));
    mira.enter("Lobby").await;
    assert_eq!(joins_with(&mut watcher, &id).await, Some(flute()));

    let pair: Value = browser
        .post("/api/v1/auth/token")
        .await
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", pair["accessToken"].as_str().unwrap());
    let path = format!("/ws?v={PROTOCOL_VERSION}");
    let address = server.server.local_addr();
    let mut by_token =
        connect_ws_with_headers(address, &path, &[("authorization", bearer.as_str())]).await;
    assert_eq!(instrument_of(&welcome(&mut by_token).await), Some(flute()));

    mira.request(choose(None)).await;
    assert_eq!(updates_to(&mut watcher, &id).await, None);
    drop((mira, by_token));
    left(&mut watcher, &id).await;
    let (_, after_piano) = browser.connect().await;
    assert_eq!(instrument_of(&after_piano), None);
}

#[tokio::test]
async fn a_guest_keeps_their_instrument_on_sqlite() {
    let provider = OAuthProvider::start().await;
    a_guest_keeps_their_instrument(&server_on(&provider, None, |_| {}).await).await;
}

#[tokio::test]
async fn a_guest_keeps_their_instrument_on_mongodb() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    let provider = OAuthProvider::start().await;
    a_guest_keeps_their_instrument(&server_on(&provider, Some(&mongo), |_| {}).await).await;
}

#[tokio::test]
async fn a_member_keeps_their_instrument_on_sqlite() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, |_| {}).await;
    a_member_keeps_their_instrument(&server, &provider).await;
}

#[tokio::test]
async fn a_member_keeps_their_instrument_on_mongodb() {
    let dir = TempDir::new().unwrap();
    let mongo = Secantus::start(&dir.path().join("mongo"));
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, Some(&mongo), |_| {}).await;
    a_member_keeps_their_instrument(&server, &provider).await;
}

/// A second connection to the server's embedded database.
async fn store_of(server: &TestServer) -> Store {
    let config = StoreConfig::Embedded {
        data_dir: server.data.path().to_owned(),
    };
    Store::open(&config).await.unwrap()
}

#[tokio::test]
async fn a_kept_instrument_the_rules_now_refuse_is_the_piano() {
    let provider = OAuthProvider::start().await;
    let server = server_on(&provider, None, |_| {}).await;
    // A name with a direction override: the store's own rules let it through, the rooms'
    // do not, as for a value kept under older rules.
    let reversed = Instrument {
        name: "Flu\u{202E}te".into(),
        ..flute()
    };

    let (browser, id) = member(&server, &provider, "rosa").await;
    let update = ProfileUpdate {
        instrument: Some(Some(reversed.clone())),
        ..Default::default()
    };
    let store = store_of(&server).await;
    store.users.update(&id, update).await.unwrap();
    let (mut rosa, welcome) = browser.connect().await;
    assert_eq!(instrument_of(&welcome), None);
    let joined = rosa.enter("Lobby").await;
    let me = joined.participants.iter().find(|p| p.id == id).unwrap();
    assert_eq!(me.instrument, None);
    // Choosing the piano replaces the refused value.
    rosa.request(choose(None)).await;
    assert_eq!(updates_to(&mut rosa, &id).await, None);
    assert_eq!(
        store.users.get(&id).await.unwrap().settings.instrument,
        None
    );

    // A guest's session holding a bank that does not exist.
    let (mut guest, first) = visit(&server, None).await;
    let cookie = guest.cookie.clone().unwrap();
    let guest_id = first.you.unwrap().id;
    guest.enter("Lobby").await;
    guest.request(choose(Some(flute()))).await;
    guest
        .wait_for(|kind| matches!(kind, Kind::ParticipantUpdated(_)).then_some(()))
        .await;
    drop(guest);
    let path = server.data.path().join("pianorhythm.sqlite3");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let planted = sqlx::query(
        "UPDATE sessions SET data = CAST(json_set(CAST(data AS TEXT), '$.instrument',
             json('{\"bank\": 300, \"program\": 1, \"name\": \"Old\"}')) AS BLOB)
         WHERE json_extract(CAST(data AS TEXT), '$.guest.id') = ?",
    )
    .bind(&guest_id)
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(planted.rows_affected(), 1);
    let (_, welcome) = visit(&server, Some(&cookie)).await;
    assert_eq!(instrument_of(&welcome), None);
}

#[tokio::test]
async fn only_a_change_is_written_and_changes_draw_on_the_allowance() {
    let provider = OAuthProvider::start().await;
    let providers = provider.providers();
    let server = TestServer::start_ready_with(move |config| {
        config.accounts.providers = providers;
        // A burst of ten seconds' worth: one change, then none for ten seconds.
        config.limits.owner_actions_per_second = 0.1;
    })
    .await;
    let (browser, id) = member(&server, &provider, "ivo").await;
    let store = store_of(&server).await;
    let (mut ivo, _) = browser.connect().await;
    ivo.request(choose(Some(flute()))).await;
    assert_eq!(updates_to(&mut ivo, &id).await, Some(flute()));
    let written = store.users.get(&id).await.unwrap();
    assert_eq!(written.settings.instrument, Some(flute()));

    // The same choice again, as a page sends on every join: shown, not written, not charged.
    for _ in 0..5 {
        ivo.request(choose(Some(flute()))).await;
        assert_eq!(updates_to(&mut ivo, &id).await, Some(flute()));
    }
    assert_eq!(
        store.users.get(&id).await.unwrap().updated_at,
        written.updated_at
    );

    // Another choice is over the allowance: refused, not shown, not written.
    ivo.request(choose(None)).await;
    assert_eq!(ivo.error_code().await, ErrorCode::RateLimited);
    let (_, welcome) = browser.connect().await;
    assert_eq!(instrument_of(&welcome), Some(flute()));
}
