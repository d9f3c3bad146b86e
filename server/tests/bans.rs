//! Bans under attack: a site ban's length cannot wrap into the past, and a room ban on an
//! account holds for its browser after sign-out and for new guests from its address, for as
//! long as it lasts.

mod common;
mod support {
    pub mod browser;
    pub mod oauth_provider;
}

use std::time::Duration;

use common::{connect_ws_with_headers, TestServer, WsClient};
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, BanPlayer, ErrorCode,
    RoomSettingsUpdate, PROTOCOL_VERSION,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::{config::Config, http::client_address::TrustedProxies};
use support::{
    browser::{member, Browser},
    oauth_provider::OAuthProvider,
};

/// The login `ADMINS` names in these tests.
const ROOT: &str = "local:root-1";
const DAY: u64 = 24 * 60 * 60;
/// The longest ban anyone may give: ten years, leap days included.
const TEN_YEARS: u64 = 3_653 * DAY;

async fn server_for(provider: &OAuthProvider) -> TestServer {
    let providers = provider.providers();
    TestServer::start_ready_with(move |config: &mut Config| {
        config.accounts.providers = providers;
        config.accounts.admins = [ROOT.to_owned()].into();
        // Joining again and again while a ban runs out is what these tests do.
        config.limits.joins_per_minute = 60_000.0;
        // The tests' own "other address" comes through a proxy on 127.0.0.1.
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await
}

async fn site_ban(admin: &Browser, id: &str, seconds: u64) -> (StatusCode, Value) {
    let response = admin
        .http
        .put(admin.url(&format!("/api/v1/users/{id}/ban")))
        .json(&json!({ "durationSeconds": seconds }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn a_site_ban_over_ten_years_is_refused_and_never_wraps_into_the_past() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider).await;
    let (admin, _) = member(&server, &provider, "root").await;
    let (target, target_id) = member(&server, &provider, "tess").await;

    for seconds in [u64::MAX, u64::MAX / 1000 + 1, TEN_YEARS + DAY] {
        let (status, body) = site_ban(&admin, &target_id, seconds).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{seconds}: {body}");
        assert_eq!(body["code"], "invalid");
        assert_eq!(body["field"], "durationSeconds");
        assert_eq!(body["error"], "A ban lasts at most ten years.");
        // Nothing changed: the account is not banned, not even "until the past".
        assert_eq!(target.profile().await.0, StatusCode::OK, "{seconds}");
    }
    // And free to sign in again from a new browser.
    let tess_again = Browser::new(&server);
    tess_again.visit().await;
    let claims = json!({ "sub": "tess-1", "preferred_username": "tess" });
    tess_again.sign_in(&provider, claims, "tess").await;
    assert_eq!(tess_again.profile().await.0, StatusCode::OK);

    // Ten years exactly is a ban, and it holds; lifted, the account is back.
    assert_eq!(
        site_ban(&admin, &target_id, TEN_YEARS).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(target.profile().await.0, StatusCode::FORBIDDEN);
    let lifted = admin
        .http
        .delete(admin.url(&format!("/api/v1/users/{target_id}/ban")))
        .send()
        .await
        .unwrap();
    assert_eq!(lifted.status(), StatusCode::NO_CONTENT);

    // A day's ban works as ever.
    let (_, other_id) = member(&server, &provider, "otto").await;
    assert_eq!(
        site_ban(&admin, &other_id, DAY).await.0,
        StatusCode::NO_CONTENT
    );
    let otto_again = Browser::new(&server);
    otto_again.visit().await;
    let claims = json!({ "sub": "otto-1", "preferred_username": "otto" });
    provider.next_user(claims).await;
    let (_, next) = otto_again.sign_in_until_callback(&provider, "/").await;
    assert!(next.starts_with("/signin?error="), "{next}");
}

/// Whether `socket` gets into `room`: joined, or refused as banned.
async fn gets_in(socket: &mut WsClient, room: &str) -> bool {
    socket.join_room(room, None).await;
    socket
        .wait_for(|kind| match kind {
            Kind::RoomJoined(_) => Some(true),
            Kind::Error(error) if error.code() == ErrorCode::Banned => Some(false),
            Kind::Error(error) => panic!("unexpected {error:?}"),
            _ => None,
        })
        .await
}

/// A socket that the trusted proxy says comes from `address`, with `cookie` if given (else a
/// new guest); returns it with the participant id it was welcomed as.
async fn socket_from(
    server: &TestServer,
    address: &str,
    cookie: Option<&str>,
) -> (WsClient, String) {
    let mut headers = vec![("x-forwarded-for", address)];
    headers.extend(cookie.map(|cookie| ("cookie", cookie)));
    let mut socket = connect_ws_with_headers(
        server.server.local_addr(),
        &format!("/ws?v={PROTOCOL_VERSION}"),
        &headers,
    )
    .await;
    let id = match socket.recv().await.kind {
        Some(Kind::Welcome(welcome)) => welcome.you.unwrap().id,
        other => panic!("expected a welcome, got {other:?}"),
    };
    (socket, id)
}

#[tokio::test]
async fn a_room_ban_holds_for_the_signed_out_browser_and_new_guests_from_its_address() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider).await;
    // The owner is a guest at the very address the banned player comes from.
    let (mut owner, _) = server.player().await;
    let owner_cookie = owner.cookie.clone().unwrap();
    owner
        .create_room(RoomSettingsUpdate {
            name: Some("Den".into()),
            ..Default::default()
        })
        .await;
    let (bob, bob_id) = member(&server, &provider, "bob").await;
    let (mut bob_socket, _) = bob.connect().await;
    bob_socket.enter("Den").await;
    owner
        .request(Request::Ban(BanPlayer {
            participant_id: bob_id.clone(),
            duration_seconds: 2,
            site_wide: false,
        }))
        .await;
    bob_socket
        .wait_for(|kind| matches!(kind, Kind::RoomLeft(_)).then_some(()))
        .await;
    drop(bob_socket);

    // Bob signs out: the same cookie jar, now a guest.
    let out = bob.post("/api/v1/auth/logout").await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(bob.profile().await.0, StatusCode::UNAUTHORIZED);
    let (mut signed_out, welcome) = bob.connect().await;
    let guest_id = welcome.you.unwrap().id;
    assert_ne!(guest_id, bob_id, "signed out, bob is a guest");
    assert!(
        !gets_in(&mut signed_out, "Den").await,
        "the signed-out browser"
    );
    // The same browser from another address (a laptop on another network): still bob.
    let cookie = bob.cookie().unwrap();
    let (mut travelling, id) = socket_from(&server, "198.51.100.20", Some(&cookie)).await;
    assert_eq!(id, guest_id);
    assert!(
        !gets_in(&mut travelling, "Den").await,
        "the browser elsewhere"
    );

    // A new guest (no cookie) from the same address.
    let (mut new_guest, _) = server.player().await;
    assert!(!gets_in(&mut new_guest, "Den").await, "a new guest there");

    // Someone from another address is welcome, and the owner is never kept out.
    let (mut elsewhere, _) = socket_from(&server, "203.0.113.8", None).await;
    assert!(gets_in(&mut elsewhere, "Den").await, "another address");
    // (A second tab: leaving would pass the crown on.)
    let mut owner_again = server
        .connect_with_cookie(&format!("/ws?v={PROTOCOL_VERSION}"), Some(&owner_cookie))
        .await;
    owner_again.recv().await;
    assert!(gets_in(&mut owner_again, "Den").await, "the owner");

    // Once the ban's length has passed, the browser gets back in.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !gets_in(&mut signed_out, "Den").await {
        assert!(tokio::time::Instant::now() < deadline, "still banned");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(gets_in(&mut new_guest, "Den").await, "the new guest, later");
}
