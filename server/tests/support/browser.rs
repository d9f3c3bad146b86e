//! A browser as far as the server can tell: a cookie jar, no automatic redirects, and the
//! sign-in dance through a real OAuth provider.

#![allow(dead_code)] // Each test binary uses a different part of the harness.

use std::sync::Arc;

use reqwest::{cookie::CookieStore, header, StatusCode};
use serde_json::Value;

use super::oauth_provider::OAuthProvider;
use crate::common::{TestServer, WsClient};

pub struct Browser {
    pub http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: String,
    address: std::net::SocketAddr,
}

/// Where the server sent the browser: a path on the site, with its query.
pub type Location = String;

impl Browser {
    pub fn new(server: &TestServer) -> Self {
        Self::at(server.server.local_addr())
    }

    /// A browser for the server listening on `address`.
    pub fn at(address: std::net::SocketAddr) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        // A browser names the page's origin on every request that changes something; the
        // site's pages are this server's.
        let mut origin = header::HeaderMap::new();
        origin.insert(header::ORIGIN, format!("http://{address}").parse().unwrap());
        let http = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .default_headers(origin)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent("TestBrowser/1.0")
            .build()
            .unwrap();
        Self {
            http,
            jar,
            base: format!("http://{address}"),
            address,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The session cookie, as `name=value`.
    pub fn cookie(&self) -> Option<String> {
        let url = self.base.parse().unwrap();
        let cookies = self.jar.cookies(&url)?;
        Some(cookies.to_str().unwrap().to_owned())
    }

    /// Replaces the jar's session cookie (e.g. with one stolen earlier).
    pub fn set_cookie(&self, cookie: &str) {
        let url = self.base.parse().unwrap();
        self.jar.add_cookie_str(&format!("{cookie}; Path=/"), &url);
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// Loads the lobby, which gives a guest their session.
    pub async fn visit(&self) {
        assert_eq!(self.get("/").await.status(), StatusCode::OK);
    }

    /// Follows the sign-in through the provider as far as the server's answer to the
    /// callback, and returns where that sends the browser.
    pub async fn sign_in_until_callback(
        &self,
        provider: &OAuthProvider,
        return_to: &str,
    ) -> (String, Location) {
        let start = self
            .get(&format!(
                "/api/v1/auth/login?provider=local&return_to={return_to}"
            ))
            .await;
        assert!(start.status().is_redirection(), "{}", start.status());
        let authorize = location(&start);
        assert!(authorize.starts_with(&provider.issuer), "{authorize}");
        let back = self.http.get(&authorize).send().await.unwrap();
        let callback = location(&back);
        assert!(callback.starts_with(&self.base), "{callback}");
        let answer = self.http.get(&callback).send().await.unwrap();
        (callback, location(&answer))
    }

    /// Signs in as `claims` and, on a first sign-in, picks `usertag`. Returns the page the
    /// browser ends on.
    pub async fn sign_in(&self, provider: &OAuthProvider, claims: Value, usertag: &str) -> String {
        provider.next_user(claims).await;
        let (_, next) = self.sign_in_until_callback(provider, "/room/Jazz").await;
        if next != "/welcome" {
            return next;
        }
        let chosen = self.choose_usertag(usertag).await;
        assert_eq!(chosen.status(), StatusCode::OK, "{:?}", chosen.text().await);
        let body: Value = chosen.json().await.unwrap();
        body["returnTo"].as_str().unwrap().to_owned()
    }

    pub async fn choose_usertag(&self, usertag: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/auth/usertag"))
            .json(&serde_json::json!({ "usertag": usertag }))
            .send()
            .await
            .unwrap()
    }

    /// `GET /api/v1/users/profile`: the signed-in account's profile, or the error.
    pub async fn profile(&self) -> (StatusCode, Value) {
        let response = self.get("/api/v1/users/profile").await;
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    pub async fn post(&self, path: &str) -> reqwest::Response {
        self.http.post(self.url(path)).send().await.unwrap()
    }

    /// A WebSocket carrying this browser's cookie and user agent, without reading anything.
    pub async fn open_socket(&self) -> WsClient {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let url = format!(
            "ws://{}/ws?v={}",
            self.address,
            pianorhythm_core::protocol::PROTOCOL_VERSION
        );
        let mut request = url.into_client_request().unwrap();
        let headers = request.headers_mut();
        headers.insert("user-agent", "TestBrowser/1.0".parse().unwrap());
        if let Some(cookie) = self.cookie() {
            headers.insert("cookie", cookie.parse().unwrap());
        }
        let (stream, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        WsClient {
            stream,
            cookie: self.cookie(),
        }
    }

    /// A WebSocket carrying this browser's cookie; returns it with the welcome.
    pub async fn connect(&self) -> (WsClient, pianorhythm_core::protocol::Welcome) {
        let mut client = self.open_socket().await;
        match client.recv().await.kind {
            Some(pianorhythm_core::protocol::server_message::Kind::Welcome(welcome)) => {
                (client, welcome)
            }
            other => panic!("expected a welcome, got {other:?}"),
        }
    }
}

/// A browser signed in as a new account `handle` (OAuth subject `<handle>-1`), after a first
/// visit as a guest; returns it with the account id.
pub async fn member(
    server: &TestServer,
    provider: &OAuthProvider,
    handle: &str,
) -> (Browser, String) {
    let browser = Browser::new(server);
    browser.visit().await;
    let claims = serde_json::json!({ "sub": format!("{handle}-1"), "preferred_username": handle });
    browser.sign_in(provider, claims, handle).await;
    let (status, profile) = browser.profile().await;
    assert_eq!(status, StatusCode::OK, "{profile}");
    (browser, profile["id"].as_str().unwrap().to_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .unwrap_or_else(|| panic!("no Location in a {} answer", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}
