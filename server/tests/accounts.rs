//! Accounts end to end: the OAuth flow against a real local provider (and the ways it can go
//! wrong), sessions, API tokens, and what each role may do through server functions, the
//! REST API and the WebSocket.

mod common;
mod support {
    pub mod browser;
    pub mod oauth_provider;
}

use common::TestServer;
use pianorhythm_core::domain::user::Role;
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, BanPlayer, ChatSend, DeleteChatMessage,
    DisconnectReason, ErrorCode, KickPlayer, LeaveReason, MutePlayer, RoomSettingsUpdate,
    SetProfile,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::config::Config;
use support::{browser::Browser, oauth_provider::OAuthProvider};

/// The login `ADMINS` names in these tests.
const ROOT: &str = "local:root-1";

async fn server_for(provider: &OAuthProvider, adjust: impl FnOnce(&mut Config)) -> TestServer {
    let providers = provider.providers();
    TestServer::start_ready_with(move |config| {
        config.accounts.providers = providers;
        config.accounts.admins = [ROOT.to_owned()].into();
        adjust(config);
    })
    .await
}

/// The audit log at `path` once it holds every action in `wanted` (entries are written behind
/// the action, so they may take a moment); panics naming the missing ones after 5 s.
async fn audit_with(browser: &Browser, path: &str, wanted: &[&str]) -> Value {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let audit: Value = browser.get(path).await.json().await.unwrap();
        let actions: Vec<&str> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|entry| entry["action"].as_str())
            .collect();
        let missing: Vec<&&str> = wanted.iter().filter(|a| !actions.contains(a)).collect();
        if missing.is_empty() {
            return audit;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{missing:?} not in the audit log: {actions:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn claims(subject: &str, handle: &str) -> Value {
    json!({ "sub": subject, "preferred_username": handle, "name": format!("{handle} (display)") })
}

/// A browser signed in as a new account `handle`; returns it with the account id.
async fn member(server: &TestServer, provider: &OAuthProvider, handle: &str) -> (Browser, String) {
    let browser = Browser::new(server);
    browser.visit().await;
    browser
        .sign_in(provider, claims(&format!("{handle}-1"), handle), handle)
        .await;
    let (status, profile) = browser.profile().await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    (browser, profile["id"].as_str().unwrap().to_owned())
}

async fn set_roles(admin: &Browser, id: &str, roles: &[&str]) -> reqwest::Response {
    admin
        .http
        .put(admin.url(&format!("/api/v1/users/{id}/roles")))
        .json(&json!({ "roles": roles }))
        .send()
        .await
        .unwrap()
}

// ---- The OAuth flow ----

#[tokio::test]
async fn a_first_sign_in_picks_a_usertag_and_returns_to_the_page_it_came_from() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let browser = Browser::new(&server);
    browser.visit().await;
    let guest_cookie = browser.cookie().unwrap();

    provider.next_user(claims("ada-1", "Ada Lovelace!")).await;
    let (_, next) = browser
        .sign_in_until_callback(&provider, "/room/Jazz")
        .await;
    assert_eq!(next, "/welcome");
    // Not an account yet: the usertag is offered from the provider's handle.
    assert_eq!(browser.profile().await.0, StatusCode::UNAUTHORIZED);
    let offered: Value = browser
        .post("/api/pending_usertag")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(offered, json!("AdaLovelace"));

    // Invalid and taken usertags are refused next to the field.
    let refused = browser.choose_usertag("(.*)").await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["field"], "usertag");

    let chosen = browser.choose_usertag("ada").await;
    assert_eq!(chosen.status(), StatusCode::OK);
    let cookie = chosen.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "only under COOKIE_SECURE");
    let chosen: Value = chosen.json().await.unwrap();
    assert_eq!(chosen["returnTo"], "/room/Jazz");

    // Signed in, under a new session id: the guest's cookie is worth nothing now.
    let account_cookie = browser.cookie().unwrap();
    assert_ne!(account_cookie, guest_cookie);
    let (status, profile) = browser.profile().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["usertag"], "ada");
    assert_eq!(
        profile["username"], "Ada Lovelace!",
        "preferred_username comes first"
    );
    assert_eq!(profile["roles"], json!(["member"]));
    let thief = Browser::new(&server);
    thief.set_cookie(&guest_cookie);
    assert_eq!(thief.profile().await.0, StatusCode::UNAUTHORIZED);

    // A second account cannot take the usertag, in any case.
    let other = Browser::new(&server);
    provider.next_user(claims("grace-1", "ADA")).await;
    let (_, next) = other.sign_in_until_callback(&provider, "/").await;
    assert_eq!(next, "/welcome");
    let taken: Value = other.choose_usertag("ADA").await.json().await.unwrap();
    assert_eq!(taken["field"], "usertag");
    assert!(taken["error"].as_str().unwrap().contains("taken"));

    // Signing in again later finds the account and goes straight back.
    let again = Browser::new(&server);
    provider.next_user(claims("ada-1", "whatever")).await;
    let (_, next) = again.sign_in_until_callback(&provider, "/room/Blues").await;
    assert_eq!(next, "/room/Blues");
    assert_eq!(again.profile().await.1["usertag"], "ada");
}

#[tokio::test]
async fn a_forged_state_a_replayed_code_an_unknown_provider_and_a_refusal_all_fail() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;

    // The state the provider sends back must be the one this session sent.
    let browser = Browser::new(&server);
    provider.next_user(claims("eve-1", "eve")).await;
    let start = browser.get("/api/v1/auth/login?provider=local").await;
    let authorize = support::browser::location(&start);
    let back = browser.http.get(&authorize).send().await.unwrap();
    let callback = support::browser::location(&back);
    let forged = regex_free_replace_state(&callback, "forged-state");
    let answer = browser.http.get(&forged).send().await.unwrap();
    let next = support::browser::location(&answer);
    assert!(next.starts_with("/signin?error="), "{next}");
    assert_eq!(browser.profile().await.0, StatusCode::UNAUTHORIZED);
    // ... and the flow is spent: the genuine answer does not work after a forged one.
    let late = browser.http.get(&callback).send().await.unwrap();
    assert!(support::browser::location(&late).starts_with("/signin?error="));

    // A code works once: replaying the callback fails.
    let browser = Browser::new(&server);
    provider.next_user(claims("eve-1", "eve")).await;
    let (callback, next) = browser.sign_in_until_callback(&provider, "/").await;
    assert_eq!(next, "/welcome");
    let replay = Browser::new(&server);
    let replayed = replay.http.get(&callback).send().await.unwrap();
    assert!(support::browser::location(&replayed).starts_with("/signin?error="));
    let again = browser.http.get(&callback).send().await.unwrap();
    assert!(support::browser::location(&again).starts_with("/signin?error="));

    // An unknown provider: a JSON 404 to start, the error page at the callback.
    let unknown = browser.get("/api/v1/auth/login?provider=nope").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let body: Value = unknown.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    let unknown = browser
        .get("/api/v1/auth/callback/nope?code=x&state=y")
        .await;
    assert!(support::browser::location(&unknown).starts_with("/signin?error="));

    // The provider says no: the sign-in page says why; nobody is signed in.
    let browser = Browser::new(&server);
    provider.refuse_next().await;
    let (_, next) = browser.sign_in_until_callback(&provider, "/").await;
    assert!(next.starts_with("/signin?error="), "{next}");
    assert!(next.contains("access_denied"), "{next}");
    let page = browser.get(&next).await.text().await.unwrap();
    assert!(page.contains("Sign-in failed"), "the page says so");
    assert_eq!(browser.profile().await.0, StatusCode::UNAUTHORIZED);
}

/// The callback URL with its `state` replaced.
fn regex_free_replace_state(url: &str, state: &str) -> String {
    let (base, query) = url.split_once('?').unwrap();
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some(("state", _)) => format!("state={state}"),
            _ => pair.to_owned(),
        })
        .collect();
    format!("{base}?{}", query.join("&"))
}

#[tokio::test]
async fn the_sign_in_page_says_when_no_provider_is_configured() {
    let server = TestServer::start().await;
    let page = server.get("/signin").await.text().await.unwrap();
    assert!(page.contains("not set up on this server"), "{page}");
    let providers: Value = server
        .get("/api/v1/auth/providers")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(providers, json!([]));
}

#[tokio::test]
async fn a_guests_name_colour_and_rooms_carry_over_to_the_new_account() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let browser = Browser::new(&server);
    browser.visit().await;
    let (mut guest, welcome) = browser.connect().await;
    let guest_id = welcome.you.unwrap().id;
    guest
        .request(Request::SetProfile(SetProfile {
            name: Some("Lina".into()),
            color: Some("#123456".into()),
            instrument: None,
        }))
        .await;
    guest
        .wait_for(|kind| matches!(kind, Kind::ParticipantUpdated(_)).then_some(()))
        .await;
    let settings = RoomSettingsUpdate {
        name: Some("Lina's Room".into()),
        ..Default::default()
    };
    let room = guest.create_room(settings).await.room.unwrap();
    assert_eq!(room.owner_id, guest_id);
    drop(guest);

    browser
        .sign_in(&provider, claims("lina-1", "lina"), "lina")
        .await;
    let (_, profile) = browser.profile().await;
    assert_eq!(profile["username"], "Lina");
    assert_eq!(profile["color"], "#123456");
    let account_id = profile["id"].as_str().unwrap().to_owned();

    let (mut player, welcome) = browser.connect().await;
    assert_eq!(welcome.you.unwrap().id, account_id);
    assert_eq!(welcome.role, "member");
    let joined = player.enter("Lina's Room").await;
    assert_eq!(
        joined.room.unwrap().owner_id,
        account_id,
        "the account owns the room"
    );
}

// ---- Sessions and tokens ----

#[tokio::test]
async fn signing_out_ends_the_session_and_revokes_refresh_tokens() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (browser, _) = member(&server, &provider, "otto").await;
    let cookie = browser.cookie().unwrap();
    let pair: Value = browser
        .post("/api/v1/auth/token")
        .await
        .json()
        .await
        .unwrap();
    let refresh = pair["refreshToken"].as_str().unwrap().to_owned();

    let out = browser.post("/api/v1/auth/logout").await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(browser.profile().await.0, StatusCode::UNAUTHORIZED);
    // The old cookie no longer names a session on the server.
    let thief = Browser::new(&server);
    thief.set_cookie(&cookie);
    assert_eq!(thief.profile().await.0, StatusCode::UNAUTHORIZED);
    let refreshed = server
        .http
        .post(server.url("/api/v1/auth/refresh"))
        .header("x-refresh-token", refresh)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn tokens_are_eddsa_jwts_and_refresh_tokens_rotate_and_reuse_revokes_the_family() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (browser, id) = member(&server, &provider, "tess").await;
    let pair: Value = browser
        .post("/api/v1/auth/token")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pair["expiresIn"], 900);
    let access = pair["accessToken"].as_str().unwrap();
    let header = jsonwebtoken::decode_header(access).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::EdDSA);
    let jwks: Value = server.get("/api/v1/auth/jwks").await.json().await.unwrap();
    assert_eq!(jwks["keys"][0]["kid"].as_str(), header.kid.as_deref());

    // The access token works without any cookie, on the API and on /ws.
    let api = |token: String| {
        let http = server.http.clone();
        let url = server.url("/api/v1/users/profile");
        async move { http.get(url).bearer_auth(token).send().await.unwrap() }
    };
    let profile: Value = api(access.to_owned()).await.json().await.unwrap();
    assert_eq!(profile["id"], id);
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{}/ws?v=1",
            server.server.local_addr()
        ))
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {access}").parse().unwrap());
    let (stream, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let mut socket = common::WsClient {
        stream,
        cookie: None,
    };
    match socket.recv().await.kind {
        Some(Kind::Welcome(welcome)) => assert_eq!(welcome.you.unwrap().id, id),
        other => panic!("expected a welcome, got {other:?}"),
    }

    // A refresh gives a new pair; the used refresh token then fails and takes its family
    // (the new one too) with it.
    // Clients send their (perhaps expired) access token along; it does not matter here.
    let refresh = |token: String| {
        let http = server.http.clone();
        let url = server.url("/api/v1/auth/refresh");
        async move {
            http.post(url)
                .header("x-refresh-token", token)
                .bearer_auth("expired.or.whatever")
                .send()
                .await
                .unwrap()
        }
    };
    let first = pair["refreshToken"].as_str().unwrap().to_owned();
    let renewed = refresh(first.clone()).await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let renewed: Value = renewed.json().await.unwrap();
    let second = renewed["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(second, first);
    assert_eq!(
        api(renewed["accessToken"].as_str().unwrap().to_owned())
            .await
            .status(),
        StatusCode::OK
    );

    let reused = refresh(first).await;
    assert_eq!(reused.status(), StatusCode::UNAUTHORIZED);
    let body: Value = reused.json().await.unwrap();
    assert_eq!(body["code"], "unauthorized");
    assert_eq!(
        refresh(second).await.status(),
        StatusCode::UNAUTHORIZED,
        "family revoked"
    );
    assert_eq!(
        refresh("garbage".into()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let missing = server
        .http
        .post(server.url("/api/v1/auth/refresh"))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);

    // A token cannot breed more tokens.
    let bred = server
        .http
        .post(server.url("/api/v1/auth/token"))
        .bearer_auth(renewed["accessToken"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(bred.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn missing_expired_forged_or_tampered_tokens_get_a_json_401() {
    use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey};
    let provider = OAuthProvider::start().await;
    let key = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng);
    let pem = key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string();
    let server = server_for(&provider, |config| {
        config.accounts.jwt_private_key = Some(pem.clone());
    })
    .await;
    let (_, id) = member(&server, &provider, "ivy").await;
    let issuer = server.url("");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let sign = |key_pem: &str, exp: u64| {
        let claims = json!({ "sub": id, "role": "admin", "iss": issuer, "iat": now, "exp": exp });
        let key = jsonwebtoken::EncodingKey::from_ed_pem(key_pem.as_bytes()).unwrap();
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    };
    let get = |authorization: Option<String>| {
        let mut request = server.http.get(server.url("/api/v1/users/profile"));
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        async move { request.send().await.unwrap() }
    };
    // Our key, in date: accepted (the test signs as the server would).
    assert_eq!(
        get(Some(format!("Bearer {}", sign(&pem, now + 60))))
            .await
            .status(),
        StatusCode::OK
    );

    let other_key = ed25519_dalek::SigningKey::generate(&mut rand_core::OsRng)
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap()
        .to_string();
    let good = sign(&pem, now + 60);
    let (head, rest) = good.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let tampered_payload = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        json!({ "sub": "someone-else", "iss": server.url(""), "exp": now + 60 }).to_string(),
    );
    for (what, authorization) in [
        ("missing", None),
        ("expired", Some(format!("Bearer {}", sign(&pem, now - 120)))),
        (
            "forged",
            Some(format!("Bearer {}", sign(&other_key, now + 60))),
        ),
        (
            "tampered",
            Some(format!("Bearer {head}.{tampered_payload}.{signature}")),
        ),
        ("garbage", Some("Bearer not.a.token".to_owned())),
        ("not bearer", Some("Basic aXZ5OnB3".to_owned())),
    ] {
        let response = get(authorization).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized", "{what}");
    }
    // ... on every API route, even one that needs no token.
    let public = server
        .http
        .get(server.url("/api/v1/rooms/active"))
        .bearer_auth(sign(&other_key, now + 60))
        .send()
        .await
        .unwrap();
    assert_eq!(public.status(), StatusCode::UNAUTHORIZED);
    // A bad token on /ws is refused before the upgrade.
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{}/ws?v=1",
            server.server.local_addr()
        ))
        .unwrap();
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {}", sign(&other_key, now + 60))
            .parse()
            .unwrap(),
    );
    assert!(tokio_tungstenite::connect_async(request).await.is_err());
}

// ---- Roles ----

/// One browser per role: a guest, a member, a pro, a moderator and an admin (from `ADMINS`),
/// with their account ids.
async fn cast(server: &TestServer, provider: &OAuthProvider) -> Vec<(Role, Browser, String)> {
    let guest = Browser::new(server);
    guest.visit().await;
    let (admin, admin_id) = member(server, provider, "root").await;
    assert_eq!(admin.profile().await.1["roles"], json!(["member", "admin"]));
    let (plain, plain_id) = member(server, provider, "mia").await;
    let (pro, pro_id) = member(server, provider, "pat").await;
    let (moderator, moderator_id) = member(server, provider, "moe").await;
    assert_eq!(
        set_roles(&admin, &pro_id, &["pro"]).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        set_roles(&admin, &moderator_id, &["moderator"])
            .await
            .status(),
        StatusCode::OK
    );
    vec![
        (Role::Guest, guest, String::new()),
        (Role::Member, plain, plain_id),
        (Role::Pro, pro, pro_id),
        (Role::Moderator, moderator, moderator_id),
        (Role::Admin, admin, admin_id),
    ]
}

/// What a request by `role` to something needing `needed` must answer.
fn assert_allowed(role: Role, needed: Role, status: StatusCode, what: &str) {
    if role >= needed {
        assert!(status.is_success(), "{role:?} {what}: {status}");
    } else if role == Role::Guest {
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{role:?} {what}");
    } else {
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} {what}");
    }
}

#[tokio::test]
async fn each_role_may_use_exactly_the_routes_and_server_functions_its_rank_allows() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let cast = cast(&server, &provider).await;
    let (_, target_id) = member(&server, &provider, "tia").await;
    for (role, browser, _) in &cast {
        let role = *role;
        let send = |request: reqwest::RequestBuilder| async move {
            request.send().await.unwrap().status()
        };
        let http = &browser.http;
        let url = |path: &str| browser.url(path);
        assert_allowed(
            role,
            Role::Member,
            send(http.get(url("/api/v1/users/profile"))).await,
            "GET profile",
        );
        let change = json!({ "bio": format!("I am a {role:?}") });
        assert_allowed(
            role,
            Role::Member,
            send(http.put(url("/api/v1/users/profile")).json(&change)).await,
            "PUT profile",
        );
        assert_allowed(
            role,
            Role::Member,
            send(http.get(url("/api/v1/users/settings"))).await,
            "GET settings",
        );
        let settings = json!({ "theme": "dark", "notifications": false, "privacy": "public" });
        assert_allowed(
            role,
            Role::Member,
            send(http.put(url("/api/v1/users/settings")).json(&settings)).await,
            "PUT settings",
        );
        assert_allowed(
            role,
            Role::Member,
            send(http.post(url("/api/v1/auth/token"))).await,
            "POST token",
        );
        assert_allowed(
            role,
            Role::Moderator,
            send(http.get(url("/api/v1/audit"))).await,
            "GET audit",
        );
        let ban = send(
            http.put(url(&format!("/api/v1/users/{target_id}/ban")))
                .json(&json!({ "durationSeconds": 60 })),
        )
        .await;
        assert_allowed(role, Role::Moderator, ban, "PUT ban");
        let lift = send(http.delete(url(&format!("/api/v1/users/{target_id}/ban")))).await;
        assert_allowed(role, Role::Moderator, lift, "DELETE ban");
        let roles = send(
            http.put(url(&format!("/api/v1/users/{target_id}/roles")))
                .json(&json!({ "roles": ["member"] })),
        )
        .await;
        assert_allowed(role, Role::Admin, roles, "PUT roles");

        // The pages' server functions, by the same rules.
        for (function, form) in [
            ("my_profile", ""),
            ("my_settings", ""),
            (
                "update_profile",
                "username=Someone&color=%23112233&bio=&avatar_url=&location=Oslo",
            ),
            (
                "update_settings",
                "theme=light&privacy=members&notifications=on",
            ),
        ] {
            let response = http
                .post(url(&format!("/api/{function}")))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form)
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            if role >= Role::Member {
                assert_eq!(status, StatusCode::OK, "{role:?} {function}: {body}");
            } else {
                assert!(!status.is_success(), "{role:?} {function}");
                assert!(body.contains("sign in"), "{role:?} {function}: {body}");
            }
        }
    }
    // Banned and lifted by the moderator, then the admin: the target is free again.
    let (_, target) = (&cast[1].1, &target_id);
    let admin = &cast[4].1;
    let profile: Value = admin
        .get(&format!("/api/v1/users/{target}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["usertag"], "tia");
}

#[tokio::test]
async fn profiles_are_validated_field_by_field_and_shown_as_their_privacy_allows() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (ann, _) = member(&server, &provider, "ann").await;
    let (ben, _) = member(&server, &provider, "ben").await;
    let guest = Browser::new(&server);

    let bad = ann
        .http
        .put(ann.url("/api/v1/users/profile"))
        .json(&json!({ "avatarUrl": "javascript:alert(1)" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["field"], "avatarUrl");
    let good = ann
        .http
        .put(ann.url("/api/v1/users/profile"))
        .json(&json!({ "bio": "Plays Satie", "location": "Lisbon", "color": "#AA0000" }))
        .send()
        .await
        .unwrap();
    let good: Value = good.json().await.unwrap();
    assert_eq!(
        (good["bio"].as_str(), good["color"].as_str()),
        (Some("Plays Satie"), Some("#aa0000"))
    );

    // Public: anyone; members only: signed-in players; private: only ann (and staff).
    let seen_by = |browser: &Browser| {
        let request = browser.http.get(browser.url("/api/v1/users/ANN"));
        async move { request.send().await.unwrap().status() }
    };
    assert_eq!(seen_by(&guest).await, StatusCode::OK);
    let privacy =
        |level: &str| json!({ "theme": "default", "notifications": true, "privacy": level });
    ann.http
        .put(ann.url("/api/v1/users/settings"))
        .json(&privacy("members"))
        .send()
        .await
        .unwrap();
    assert_eq!(seen_by(&guest).await, StatusCode::UNAUTHORIZED);
    assert_eq!(seen_by(&ben).await, StatusCode::OK);
    ann.http
        .put(ann.url("/api/v1/users/settings"))
        .json(&privacy("private"))
        .send()
        .await
        .unwrap();
    assert_eq!(seen_by(&ben).await, StatusCode::FORBIDDEN);
    assert_eq!(seen_by(&ann).await, StatusCode::OK);
    let invalid = ann
        .http
        .put(ann.url("/api/v1/users/settings"))
        .json(&privacy("everyone-and-their-dog"))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        server.get("/api/v1/users/nobody-here").await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Who is in the Lobby: each of `cast` plus a guest to act on.
async fn everyone_in_the_lobby(
    cast: &[(Role, Browser, String)],
    server: &TestServer,
) -> (Vec<common::WsClient>, common::WsClient, String) {
    let mut sockets = Vec::new();
    for (_, browser, _) in cast {
        let (mut socket, _) = browser.connect().await;
        socket.enter("Lobby").await;
        sockets.push(socket);
    }
    let victim_browser = Browser::new(server);
    let (mut victim, welcome) = victim_browser.connect().await;
    victim.enter("Lobby").await;
    (sockets, victim, welcome.you.unwrap().id)
}

/// The id of the next chat message `socket` sees.
async fn next_chat(socket: &mut common::WsClient) -> String {
    socket
        .wait_for(|kind| match kind {
            Kind::Chat(message) => Some(message.id),
            _ => None,
        })
        .await
}

#[tokio::test]
async fn moderators_kick_mute_and_delete_chat_in_the_lobby_and_no_one_below_them_can() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let cast = cast(&server, &provider).await;
    let (mut sockets, mut victim, victim_id) = everyone_in_the_lobby(&cast, &server).await;
    victim
        .request(Request::Chat(ChatSend {
            text: "spam".into(),
        }))
        .await;
    let spam = next_chat(&mut victim).await;

    for (index, (role, _, _)) in cast.iter().enumerate().take(3) {
        let socket = &mut sockets[index];
        for request in [
            Request::Kick(KickPlayer {
                participant_id: victim_id.clone(),
            }),
            Request::Mute(MutePlayer {
                participant_id: victim_id.clone(),
                duration_seconds: 60,
            }),
            Request::DeleteChat(DeleteChatMessage {
                message_id: spam.clone(),
            }),
            Request::Ban(BanPlayer {
                participant_id: cast[1].2.clone(),
                duration_seconds: 60,
                site_wide: true,
            }),
        ] {
            socket.request(request.clone()).await;
            assert_eq!(
                socket.error_code().await,
                ErrorCode::NotAllowed,
                "{role:?} {request:?}"
            );
        }
    }

    let moderator = &mut sockets[3];
    moderator
        .request(Request::DeleteChat(DeleteChatMessage {
            message_id: spam.clone(),
        }))
        .await;
    let deleted = victim
        .wait_for(|kind| match kind {
            Kind::ChatDeleted(deleted) => Some(deleted.message_id),
            _ => None,
        })
        .await;
    assert_eq!(deleted, spam);

    moderator
        .request(Request::Mute(MutePlayer {
            participant_id: victim_id.clone(),
            duration_seconds: 60,
        }))
        .await;
    moderator.drain().await;
    victim
        .request(Request::Chat(ChatSend {
            text: "more spam".into(),
        }))
        .await;
    assert_eq!(victim.error_code().await, ErrorCode::NotAllowed, "muted");

    // Staff answer only to those above them.
    let admin_id = cast[4].2.clone();
    moderator
        .request(Request::Kick(KickPlayer {
            participant_id: admin_id,
        }))
        .await;
    assert_eq!(moderator.error_code().await, ErrorCode::NotAllowed);

    moderator
        .request(Request::Kick(KickPlayer {
            participant_id: victim_id.clone(),
        }))
        .await;
    let reason = victim
        .wait_for(|kind| match kind {
            Kind::RoomLeft(left) => Some(left.reason()),
            _ => None,
        })
        .await;
    assert_eq!(reason, LeaveReason::Kicked);

    let moderator_id = cast[3].2.clone();
    sockets[4]
        .request(Request::Kick(KickPlayer {
            participant_id: moderator_id,
        }))
        .await;
    let reason = sockets[3]
        .wait_for(|kind| match kind {
            Kind::RoomLeft(left) => Some(left.reason()),
            _ => None,
        })
        .await;
    assert_eq!(reason, LeaveReason::Kicked, "an admin may kick a moderator");

    // Every action is in the audit log (written behind the room), with who, from where and
    // with what client.
    let audit = audit_with(
        &cast[4].1,
        "/api/v1/audit?room=lobby",
        &["player_kicked", "player_muted", "chat_message_deleted"],
    )
    .await;
    let kick = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "player_kicked" && entry["targetId"] == victim_id.as_str())
        .unwrap();
    assert_eq!(kick["actorId"], cast[3].2.as_str());
    assert_eq!(kick["address"], "127.0.0.1");
    assert_eq!(kick["userAgent"], "TestBrowser/1.0");
}

#[tokio::test]
async fn room_and_site_bans_hold_against_the_account_whatever_the_cookie() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (owner, _) = member(&server, &provider, "olga").await;
    let (bob, bob_id) = member(&server, &provider, "bob").await;
    let (owner_socket, _) = owner.connect().await;
    let mut owner_socket = owner_socket;
    owner_socket
        .create_room(RoomSettingsUpdate {
            name: Some("Den".into()),
            ..Default::default()
        })
        .await;
    let (mut bob_socket, _) = bob.connect().await;
    bob_socket.enter("Den").await;
    owner_socket
        .request(Request::Ban(BanPlayer {
            participant_id: bob_id.clone(),
            duration_seconds: 600,
            site_wide: false,
        }))
        .await;
    bob_socket
        .wait_for(|kind| matches!(kind, Kind::RoomLeft(_)).then_some(()))
        .await;

    // A new browser (new cookie), signed in again as bob: still banned from the room.
    let bob_again = Browser::new(&server);
    bob_again
        .sign_in(&provider, claims("bob-1", "bob"), "bob")
        .await;
    let (mut socket, welcome) = bob_again.connect().await;
    assert_eq!(welcome.you.unwrap().id, bob_id);
    socket.join_room("Den", None).await;
    assert_eq!(socket.error_code().await, ErrorCode::Banned);
    // Another account at the same address is not: accounts are banned, not addresses.
    let (carl, _) = member(&server, &provider, "carl").await;
    let (mut carl_socket, _) = carl.connect().await;
    carl_socket.enter("Den").await;

    // A moderator bans bob from the whole site, from the Lobby.
    let admin = Browser::new(&server);
    admin
        .sign_in(&provider, claims("root-1", "root"), "root")
        .await;
    let (_, mo_id) = member(&server, &provider, "moe").await;
    let moderator = Browser::new(&server);
    moderator
        .sign_in(&provider, claims("moe-1", "moe"), "moe")
        .await;
    set_roles(&admin, &mo_id, &["moderator"]).await;
    let (mut mod_socket, welcome) = moderator.connect().await;
    assert_eq!(welcome.role, "moderator");
    mod_socket.enter("Lobby").await;
    socket.enter("Lobby").await;
    mod_socket
        .request(Request::Ban(BanPlayer {
            participant_id: bob_id.clone(),
            duration_seconds: 3600,
            site_wide: true,
        }))
        .await;
    // Bob's open connection is ended at once, saying why.
    let goodbye = socket
        .wait_for(|kind| match kind {
            Kind::Disconnect(goodbye) => Some(goodbye.reason()),
            _ => None,
        })
        .await;
    assert_eq!(goodbye, DisconnectReason::BannedFromSite);

    // Banned everywhere: no connection, no API, no signing in again.
    let mut refused = bob_again.open_socket().await;
    assert_eq!(refused.error_code().await, ErrorCode::Banned);
    let goodbye = refused
        .wait_for(|kind| match kind {
            Kind::Disconnect(goodbye) => Some(goodbye.reason()),
            _ => None,
        })
        .await;
    assert_eq!(goodbye, DisconnectReason::BannedFromSite);
    assert_eq!(bob_again.profile().await.0, StatusCode::FORBIDDEN);
    let fresh = Browser::new(&server);
    provider.next_user(claims("bob-1", "bob")).await;
    let (_, next) = fresh.sign_in_until_callback(&provider, "/").await;
    assert!(next.starts_with("/signin?error="), "{next}");

    let audit = audit_with(&admin, "/api/v1/audit", &["site_banned"]).await;
    let ban = audit
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["action"] == "site_banned")
        .unwrap();
    assert_eq!(
        (ban["actorId"].as_str(), ban["targetId"].as_str()),
        (Some(mo_id.as_str()), Some(bob_id.as_str()))
    );
    assert_eq!(ban["address"], "127.0.0.1");

    // Lifted: bob is back.
    let lift = moderator
        .http
        .delete(moderator.url(&format!("/api/v1/users/{bob_id}/ban")))
        .send()
        .await
        .unwrap();
    assert_eq!(lift.status(), StatusCode::NO_CONTENT);
    assert_eq!(bob_again.profile().await.0, StatusCode::OK);
}

// ---- Tokens end with the session ----

/// A fresh token pair for the browser's signed-in account.
async fn token_pair(browser: &Browser) -> Value {
    let pair = browser.post("/api/v1/auth/token").await;
    assert_eq!(pair.status(), StatusCode::OK);
    pair.json().await.unwrap()
}

/// `GET /api/v1/users/profile` with only the bearer token.
async fn profile_by_token(server: &TestServer, token: &str) -> (StatusCode, Value) {
    let response = server
        .http
        .get(server.url("/api/v1/users/profile"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn refresh_with(server: &TestServer, refresh_token: &Value) -> reqwest::Response {
    server
        .http
        .post(server.url("/api/v1/auth/refresh"))
        .header("x-refresh-token", refresh_token.as_str().unwrap())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn signing_out_ends_the_accounts_access_tokens_at_once_on_every_device() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (laptop, _) = member(&server, &provider, "sid").await;
    let (nora, _) = member(&server, &provider, "nora").await;
    // The same account on a second device, with a token of its own.
    let phone = Browser::new(&server);
    phone
        .sign_in(&provider, claims("sid-1", "sid"), "sid")
        .await;
    let stolen = token_pair(&laptop).await["accessToken"].clone();
    let on_phone = token_pair(&phone).await["accessToken"].clone();
    let others = token_pair(&nora).await["accessToken"].clone();
    for token in [&stolen, &on_phone, &others] {
        assert_eq!(
            profile_by_token(&server, token.as_str().unwrap()).await.0,
            StatusCode::OK
        );
    }

    assert_eq!(
        laptop.post("/api/v1/auth/logout").await.status(),
        StatusCode::NO_CONTENT
    );
    // Well inside the access tokens' 15 minutes: both of the account's are refused.
    for token in [&stolen, &on_phone] {
        let (status, body) = profile_by_token(&server, token.as_str().unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["code"], "unauthorized");
    }
    // Another account's token is untouched; so is the phone's browser session, which signs
    // in for a new token that works.
    assert_eq!(
        profile_by_token(&server, others.as_str().unwrap()).await.0,
        StatusCode::OK
    );
    let renewed = token_pair(&phone).await["accessToken"].clone();
    assert_eq!(
        profile_by_token(&server, renewed.as_str().unwrap()).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_role_change_ends_the_old_token_and_a_refresh_brings_the_new_role() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (admin, _) = member(&server, &provider, "root").await;
    let (mia, mia_id) = member(&server, &provider, "mia").await;
    let pair = token_pair(&mia).await;
    let old = pair["accessToken"].as_str().unwrap().to_owned();
    let role = |token: &str| {
        let claims = token.split('.').nth(1).unwrap();
        let claims =
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, claims)
                .unwrap();
        serde_json::from_slice::<Value>(&claims).unwrap()["role"].clone()
    };
    assert_eq!(role(&old), "member");

    let changed = set_roles(&admin, &mia_id, &["moderator"]).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(
        profile_by_token(&server, &old).await.0,
        StatusCode::UNAUTHORIZED
    );
    let renewed = refresh_with(&server, &pair["refreshToken"]).await;
    assert_eq!(renewed.status(), StatusCode::OK);
    let renewed: Value = renewed.json().await.unwrap();
    let new = renewed["accessToken"].as_str().unwrap();
    assert_eq!(role(new), "moderator");
    let (status, profile) = profile_by_token(&server, new).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["id"], mia_id);
    // Taking the role away ends the moderator's token in turn.
    set_roles(&admin, &mia_id, &[]).await;
    assert_eq!(
        profile_by_token(&server, new).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_site_ban_ends_the_accounts_tokens_and_lifting_it_brings_none_back() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (admin, _) = member(&server, &provider, "root").await;
    let (ben, ben_id) = member(&server, &provider, "ben").await;
    let pair = token_pair(&ben).await;
    let access = pair["accessToken"].as_str().unwrap();
    let ban = |method: reqwest::Method| {
        admin
            .http
            .request(method, admin.url(&format!("/api/v1/users/{ben_id}/ban")))
            .json(&json!({ "durationSeconds": 3600 }))
            .send()
    };
    assert_eq!(
        ban(reqwest::Method::PUT).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let (status, _) = profile_by_token(&server, access).await;
    assert!(
        [StatusCode::UNAUTHORIZED, StatusCode::FORBIDDEN].contains(&status),
        "{status}"
    );
    assert_eq!(
        refresh_with(&server, &pair["refreshToken"]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // Lifted: the tokens issued before the ban stay ended.
    assert_eq!(
        ban(reqwest::Method::DELETE).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        profile_by_token(&server, access).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_refresh_family_past_its_absolute_lifetime_is_refused_however_fresh_its_chain() {
    let provider = OAuthProvider::start().await;
    let lifetime = std::time::Duration::from_secs(3);
    let server = server_for(&provider, |config| {
        config.accounts.family_lifetime = lifetime;
    })
    .await;
    let (ivy, _) = member(&server, &provider, "ivy").await;
    let mut pair = token_pair(&ivy).await;
    let started = tokio::time::Instant::now();
    // Refreshed every half second: each refresh token is fresh when it is used...
    while started.elapsed() < lifetime - std::time::Duration::from_millis(700) {
        let renewed = refresh_with(&server, &pair["refreshToken"]).await;
        assert_eq!(renewed.status(), StatusCode::OK);
        pair = renewed.json().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    tokio::time::sleep_until(started + lifetime + std::time::Duration::from_millis(200)).await;
    // ...but the family has lived its lifetime: a new sign-in is needed.
    let refused = refresh_with(&server, &pair["refreshToken"]).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let again = token_pair(&ivy).await;
    assert_eq!(
        refresh_with(&server, &again["refreshToken"]).await.status(),
        StatusCode::OK
    );
}

/// Avatars come only from the hosts the site allows, over https: the profile refuses others,
/// rooms show the one kept, and the pages' policy lets images load from those hosts alone.
#[tokio::test]
async fn avatars_come_only_from_the_allowed_hosts() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |config| {
        config.accounts.avatar_hosts = vec!["img.example".to_owned()];
    })
    .await;
    let (ann, _) = member(&server, &provider, "ann").await;
    let set_avatar = |url: &'static str| {
        let request = ann.http.put(ann.url("/api/v1/users/profile"));
        async move {
            let response = request
                .json(&json!({ "avatarUrl": url }))
                .send()
                .await
                .unwrap();
            (response.status(), response.json::<Value>().await.unwrap())
        }
    };
    for refused in [
        "https://evil.example/a.png",
        "http://img.example/a.png",
        "https://img.example.evil.example/a.png",
        "https://img.example/a.png\" onerror=\"alert(1)",
    ] {
        let (status, error) = set_avatar(refused).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
        assert_eq!(error["field"], "avatarUrl");
    }
    let (status, profile) = set_avatar("https://img.example/ann.png").await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    assert_eq!(profile["avatarUrl"], "https://img.example/ann.png");
    let (_, welcome) = ann.connect().await;
    assert_eq!(
        welcome.you.unwrap().avatar_url,
        "https://img.example/ann.png"
    );
    let page = server.get("/").await;
    let policy = page.headers()["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("img-src 'self' data: https://img.example;"),
        "{policy}"
    );
}

#[tokio::test]
async fn a_verified_email_is_kept_shown_to_its_owner_alone_and_never_joins_accounts() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let sign_in = |subject: &'static str, handle: &'static str, email: Value| {
        let (server, provider) = (&server, &provider);
        async move {
            let browser = Browser::new(server);
            browser.visit().await;
            let mut claims = claims(subject, handle);
            claims["email"] = email;
            claims["email_verified"] = json!(true);
            browser.sign_in(provider, claims, handle).await;
            browser
        }
    };
    let ada = sign_in("ada-1", "ada", json!("Ada@Example.org")).await;
    let (status, own) = ada.profile().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["email"], "ada@example.org");
    let public: Value = ada.get("/api/v1/users/ada").await.json().await.unwrap();
    assert!(public.get("email").is_none(), "{public}");

    // Another login with the same address is another account, without it.
    let other = sign_in("ada-2", "ada2", json!("ada@example.org")).await;
    let (_, second) = other.profile().await;
    assert_eq!(second["usertag"], "ada2");
    assert!(second.get("email").is_none(), "{second}");

    // An address the provider did not verify is not taken.
    let browser = Browser::new(&server);
    browser.visit().await;
    let mut unverified = claims("bo-1", "bo1");
    unverified["email"] = json!("bo@example.org");
    unverified["email_verified"] = json!(false);
    browser.sign_in(&provider, unverified, "bo1").await;
    assert!(browser.profile().await.1.get("email").is_none());
}
