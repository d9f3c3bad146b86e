//! Cross-site request forgery against the real server: another site's page posting with a
//! signed-in player's cookie is refused everywhere (server functions, form-encoded and
//! multipart, and `/api/v1`), while the site itself, listed sites and bearer-token clients
//! pass.

mod common;
mod support {
    pub mod browser;
    pub mod oauth_provider;
}

use common::TestServer;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::{config::Config, ws::OriginPolicy};
use support::{browser::member, oauth_provider::OAuthProvider};

const EVIL: &str = "https://evil.example";

async fn server_for(provider: &OAuthProvider, adjust: impl FnOnce(&mut Config)) -> TestServer {
    let providers = provider.providers();
    TestServer::start_ready_with(move |config| {
        config.accounts.providers = providers;
        adjust(config);
    })
    .await
}

/// A client with no jar and no default headers: each request says exactly what it sends.
fn bare() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// `update_profile` as a page's form posts it, with `cookie` and these extra headers.
async fn update_profile(
    server: &TestServer,
    cookie: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = bare()
        .post(server.url("/api/update_profile"))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=Changed&color=%23112233&bio=&avatar_url=&location=Oslo");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn another_sites_posts_with_a_signed_in_cookie_are_refused_and_the_session_survives() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let (browser, _) = member(&server, &provider, "vera").await;
    let cookie = browser.cookie().unwrap();
    let http = bare();

    let refused = [
        update_profile(&server, &cookie, &[("origin", EVIL)]).await,
        // A browser that sends only Sec-Fetch-Site says where the page was.
        update_profile(&server, &cookie, &[("sec-fetch-site", "cross-site")]).await,
        // Neither header: refused, as a very old browser's would be.
        update_profile(&server, &cookie, &[]).await,
        http.post(server.url("/api/sign_out"))
            .header("cookie", &cookie)
            .header("origin", EVIL)
            .header("content-type", "application/x-www-form-urlencoded")
            .send()
            .await
            .unwrap(),
        http.post(server.url("/api/delete_sheet"))
            .header("cookie", &cookie)
            .header("origin", EVIL)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("id=whatever")
            .send()
            .await
            .unwrap(),
        http.post(server.url("/api/upload_sheet"))
            .header("cookie", &cookie)
            .header("origin", EVIL)
            .multipart(reqwest::multipart::Form::new().text("title", "Stolen"))
            .send()
            .await
            .unwrap(),
    ];
    for response in refused {
        let url = response.url().path().to_owned();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{url}");
        let text = response.text().await.unwrap();
        assert!(text.contains("other sites"), "{url}: {text}");
    }
    for request in [
        http.post(server.url("/api/v1/auth/logout")),
        http.put(server.url("/api/v1/users/profile"))
            .json(&json!({ "username": "Changed" })),
    ] {
        let response = request
            .header("cookie", &cookie)
            .header("origin", EVIL)
            .send()
            .await
            .unwrap();
        let url = response.url().path().to_owned();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{url}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["code"], "forbidden", "{url}: {body}");
    }

    // Still signed in, and nothing changed.
    let (status, profile) = browser.profile().await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(profile["username"], "vera", "{profile}");

    // The site's own pages may do all of it.
    let ours = format!("http://{}", server.server.local_addr());
    let changed = update_profile(&server, &cookie, &[("origin", &ours)]).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let typed = update_profile(&server, &cookie, &[("sec-fetch-site", "same-origin")]).await;
    assert_eq!(typed.status(), StatusCode::OK);
    assert_eq!(browser.profile().await.1["username"], "Changed");
    let out = browser.post("/api/v1/auth/logout").await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert_eq!(browser.profile().await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_bearer_token_needs_no_origin_and_a_listed_site_is_let_in() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |config| {
        config.allowed_origins = OriginPolicy::from_list("https://friend.example");
    })
    .await;
    let (browser, _) = member(&server, &provider, "wim").await;
    let pair: Value = browser
        .post("/api/v1/auth/token")
        .await
        .json()
        .await
        .unwrap();
    let token = pair["accessToken"].as_str().unwrap();
    let by_token = bare()
        .put(server.url("/api/v1/users/profile"))
        .bearer_auth(token)
        .json(&json!({ "location": "Utrecht" }))
        .send()
        .await
        .unwrap();
    assert_eq!(by_token.status(), StatusCode::OK);

    let cookie = browser.cookie().unwrap();
    let friend = update_profile(&server, &cookie, &[("origin", "https://friend.example")]).await;
    assert_eq!(friend.status(), StatusCode::OK);
    let stranger = update_profile(&server, &cookie, &[("origin", EVIL)]).await;
    assert_eq!(stranger.status(), StatusCode::FORBIDDEN);
}
