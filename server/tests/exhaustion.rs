//! Wearing the server out, against the real thing: handshake floods, a flood that would push
//! a half-finished sign-in out of memory, bodies dripped a byte at a time, headers that never
//! end, more connections than the cap, and a guest's large upload.

mod common;
mod support {
    pub mod browser;
    pub mod oauth_provider;
}

use std::time::Duration;

use common::TestServer;
use pianorhythm_core::protocol::{server_message::Kind, DisconnectReason, PROTOCOL_VERSION};
use reqwest::StatusCode;
use serde_json::json;
use support::{
    browser::{location, Browser},
    oauth_provider::OAuthProvider,
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest};

/// A cookie-less handshake speaking our protocol: its status and whether it set a cookie.
async fn handshake(server: &TestServer) -> (u16, bool, Option<common::WsClient>) {
    let url = format!(
        "ws://{}/ws?v={PROTOCOL_VERSION}",
        server.server.local_addr()
    );
    match tokio_tungstenite::connect_async(url.into_client_request().unwrap()).await {
        Ok((stream, response)) => {
            let cookie = response.headers().get("set-cookie").map(|value| {
                value
                    .to_str()
                    .unwrap()
                    .split(';')
                    .next()
                    .unwrap()
                    .to_owned()
            });
            let has_cookie = cookie.is_some();
            (101, has_cookie, Some(common::WsClient { stream, cookie }))
        }
        Err(tungstenite::Error::Http(response)) => (
            response.status().as_u16(),
            response.headers().contains_key("set-cookie"),
            None,
        ),
        Err(error) => panic!("handshake failed: {error}"),
    }
}

#[tokio::test]
async fn a_handshake_flood_from_one_address_gets_429s_that_start_no_session() {
    let server = TestServer::start().await;
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..1_000 {
        let (status, cookie, client) = handshake(&server).await;
        drop(client);
        match status {
            101 => {
                assert!(cookie, "an accepted guest gets a session");
                accepted += 1;
            }
            429 => {
                assert!(!cookie, "a refused handshake starts no session");
                refused += 1;
            }
            other => panic!("unexpected status {other}"),
        }
    }
    // The burst (100) and what refills while the flood runs; the rest is refused.
    assert!(accepted >= 100, "{accepted} accepted");
    assert!(refused >= 500, "only {refused} of 1,000 refused");
}

#[tokio::test]
async fn a_handshake_over_the_connection_limit_starts_no_session() {
    let server = TestServer::start_ready_with(|config| {
        config.limits.connections_per_address = 2;
    })
    .await;
    let mut open = Vec::new();
    for _ in 0..2 {
        let (status, cookie, client) = handshake(&server).await;
        assert_eq!((status, cookie), (101, true));
        open.push(client.unwrap());
    }
    let (status, cookie, client) = handshake(&server).await;
    assert_eq!(status, 101, "refused over the socket, with a reason");
    assert!(!cookie, "a refused connection starts no session");
    let mut client = client.unwrap();
    match client.recv().await.kind {
        Some(Kind::Disconnect(disconnect)) => {
            assert_eq!(disconnect.reason(), DisconnectReason::TooManyConnections)
        }
        other => panic!("expected a disconnect, got {other:?}"),
    }
}

#[tokio::test]
async fn a_sign_in_started_before_a_flood_still_completes_after_it() {
    let provider = OAuthProvider::start().await;
    let providers = provider.providers();
    let server = TestServer::start_ready_with(move |config| {
        config.accounts.providers = providers;
        // A small memory for passing sessions, and no request limit to stop the flood: the
        // flood pushes out every session that was there before it.
        config.passing_sessions = 20;
        config.http.burst = 10_000;
    })
    .await;
    let browser = Browser::new(&server);
    browser.visit().await;
    provider
        .next_user(json!({ "sub": "flo-1", "preferred_username": "flo" }))
        .await;
    let start = browser
        .get("/api/v1/auth/login?provider=local&return_to=/room/Jazz")
        .await;
    assert!(start.status().is_redirection(), "{}", start.status());
    let at_provider = browser.http.get(location(&start)).send().await.unwrap();
    let callback = location(&at_provider);

    for _ in 0..200 {
        assert_eq!(server.get("/").await.status(), StatusCode::OK);
    }
    let (_, cookie, _) = handshake(&server).await;
    assert!(cookie);

    let answer = browser.http.get(&callback).send().await.unwrap();
    assert_eq!(location(&answer), "/welcome", "the sign-in went through");
    let chosen = browser.choose_usertag("flo").await;
    assert_eq!(chosen.status(), StatusCode::OK);
    assert_eq!(browser.profile().await.0, StatusCode::OK);
}

/// Reads what the server says until it closes or `within` passes; `None` if it neither
/// answered nor closed in time.
async fn answer_within(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(read) => {
                    answer.extend_from_slice(&buffer[..read]);
                    if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                        return;
                    }
                }
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test]
async fn a_dripping_body_and_endless_headers_are_cut_off() {
    let server = TestServer::start_ready_with(|config| {
        config.http.request_timeout = Duration::from_secs(1);
        config.serve.header_timeout = Duration::from_secs(1);
    })
    .await;
    let address = server.server.local_addr();

    let dripping = TcpStream::connect(address).await.unwrap();
    let (mut reading, mut writing) = dripping.into_split();
    let head = format!(
        "POST /api/v1/auth/usertag HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    );
    writing.write_all(head.as_bytes()).await.unwrap();
    // One byte every 200 ms: the body would take 200 s.
    let drip = tokio::spawn(async move {
        while writing.write_all(b" ").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    let answer = tokio::time::timeout(Duration::from_secs(10), async {
        let mut answer = Vec::new();
        let mut buffer = [0u8; 1024];
        while let Ok(read) = reading.read(&mut buffer).await {
            if read == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..read]);
        }
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .expect("the server cut the dripping body off and closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    drip.abort();

    // Headers that never end: the connection is closed.
    let mut endless = TcpStream::connect(address).await.unwrap();
    endless
        .write_all(format!("GET /health HTTP/1.1\r\nHost: {address}\r\n").as_bytes())
        .await
        .unwrap();
    let answer = answer_within(&mut endless, Duration::from_secs(10)).await;
    let answer = answer.expect("the server closed the connection");
    assert!(!answer.contains("200 OK"), "{answer}");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_place() {
    let server = TestServer::start_ready_with(|config| {
        config.serve.max_connections = 3;
    })
    .await;
    let address = server.server.local_addr();
    let request = format!("GET /health HTTP/1.1\r\nHost: {address}\r\n\r\n");
    let mut held = Vec::new();
    for _ in 0..3 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let answer = answer_within(&mut stream, Duration::from_secs(5)).await;
        assert!(answer.unwrap().starts_with("HTTP/1.1 200"));
        held.push(stream);
    }
    let mut waiting = TcpStream::connect(address).await.unwrap();
    waiting.write_all(request.as_bytes()).await.unwrap();
    assert_eq!(
        answer_within(&mut waiting, Duration::from_millis(500)).await,
        None,
        "a fourth connection is not served while three are open"
    );
    held.pop();
    let answer = answer_within(&mut waiting, Duration::from_secs(5)).await;
    assert!(
        answer.unwrap().starts_with("HTTP/1.1 200"),
        "served once a place is free"
    );
}

#[tokio::test]
async fn a_guests_upload_is_refused_before_its_body_is_sent() {
    let server = TestServer::start().await;
    let address = server.server.local_addr();
    for path in ["/api/v1/sheet_music/upload", "/api/upload_sheet"] {
        let mut stream = TcpStream::connect(address).await.unwrap();
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\n\
             Content-Type: multipart/form-data; boundary=xyz\r\nContent-Length: 1000000\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        // Not a byte of the body is sent: the answer comes from the headers alone.
        let answer = answer_within(&mut stream, Duration::from_secs(5)).await;
        let answer = answer.expect("answered without the body");
        assert!(answer.starts_with("HTTP/1.1 401"), "{path}: {answer}");
    }
}
