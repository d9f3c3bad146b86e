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

const TOOLS: &str = "https://tools.example";

/// A signed-in browser's cookie and an access token of the same account.
async fn cookie_and_token(server: &TestServer, provider: &OAuthProvider) -> (String, String) {
    let (browser, _) = member(server, provider, "tia").await;
    let pair: Value = browser
        .post("/api/v1/auth/token")
        .await
        .json()
        .await
        .unwrap();
    let token = pair["accessToken"].as_str().unwrap().to_owned();
    (browser.cookie().unwrap(), token)
}

#[tokio::test]
async fn a_listed_sites_pages_call_the_api_with_a_token_and_never_with_a_cookie() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |config| {
        config.cors_origins = server::http::cors::origins(TOOLS).unwrap();
    })
    .await;
    let (cookie, token) = cookie_and_token(&server, &provider).await;
    let http = bare();

    // The preflight of a bearer call from the listed site is answered, without credentials.
    let preflight = |origin: &'static str| {
        http.request(reqwest::Method::OPTIONS, server.url("/api/v1/friends"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization,content-type",
            )
            .send()
    };
    let answered = preflight(TOOLS).await.unwrap();
    assert!(answered.status().is_success(), "{}", answered.status());
    let headers = answered.headers();
    assert_eq!(headers["access-control-allow-origin"], TOOLS);
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    assert!(allowed.contains("authorization"), "{allowed}");
    assert!(headers["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .contains("POST"));
    assert!(!headers.contains_key("access-control-allow-credentials"));
    let refused = preflight(EVIL).await.unwrap();
    assert!(!refused
        .headers()
        .contains_key("access-control-allow-origin"));

    // The call itself: the token acts, and the answer may be read by the listed site only.
    let call = |origin: &'static str| {
        http.get(server.url("/api/v1/users/profile"))
            .header("origin", origin)
            .bearer_auth(&token)
            .send()
    };
    let by_token = call(TOOLS).await.unwrap();
    assert_eq!(by_token.status(), StatusCode::OK);
    assert_eq!(by_token.headers()["access-control-allow-origin"], TOOLS);
    assert!(!by_token
        .headers()
        .contains_key("access-control-allow-credentials"));
    assert!(!call(EVIL)
        .await
        .unwrap()
        .headers()
        .contains_key("access-control-allow-origin"));

    // The cookie of a request from another site's page is not taken, listed or not.
    for origin in [TOOLS, EVIL] {
        let by_cookie = http
            .get(server.url("/api/v1/users/profile"))
            .header("origin", origin)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(by_cookie.status(), StatusCode::UNAUTHORIZED, "{origin}");
    }
    let own_page = http
        .get(server.url("/api/v1/users/profile"))
        .header("origin", server.url("").trim_end_matches('/'))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        own_page.status(),
        StatusCode::OK,
        "this site's own pages keep their cookie"
    );
}

#[tokio::test]
async fn without_cors_origins_no_site_is_answered_and_pages_keep_their_window_to_themselves() {
    let provider = OAuthProvider::start().await;
    let server = server_for(&provider, |_| {}).await;
    let preflight = bare()
        .request(reqwest::Method::OPTIONS, server.url("/api/v1/friends"))
        .header("origin", TOOLS)
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(!preflight
        .headers()
        .contains_key("access-control-allow-origin"));
    let page = bare().get(server.url("/")).send().await.unwrap();
    assert_eq!(page.headers()["cross-origin-opener-policy"], "same-origin");
}
