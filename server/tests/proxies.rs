//! Behind trusted reverse proxies, per-address limits count the player's address from
//! `X-Forwarded-For`; from anyone else the header changes nothing.

mod common;

use common::{connect_ws_with_headers, TestServer};
use pianorhythm_core::protocol::{server_message::Kind, DisconnectReason, PROTOCOL_VERSION};
use server::http::client_address::TrustedProxies;

/// Opens a socket claiming to come from `forwarded_for`; answers whether it was welcomed.
async fn welcomed(server: &TestServer, forwarded_for: &str) -> (bool, common::WsClient) {
    let mut client = connect_ws_with_headers(
        server.server.local_addr(),
        &format!("/ws?v={PROTOCOL_VERSION}"),
        &[("x-forwarded-for", forwarded_for)],
    )
    .await;
    match client.recv().await.kind {
        Some(Kind::Welcome(_)) => (true, client),
        Some(Kind::Disconnect(goodbye)) => {
            assert_eq!(goodbye.reason(), DisconnectReason::TooManyConnections);
            (false, client)
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn players_behind_a_trusted_proxy_each_have_their_own_address_limit() {
    let server = TestServer::start_ready_with(|config| {
        config.limits.connections_per_address = 2;
        config.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    let mut open = Vec::new();
    for expected in [true, true, false] {
        let (accepted, client) = welcomed(&server, "203.0.113.7").await;
        assert_eq!(accepted, expected);
        open.push(client);
    }
    // Another player behind the same proxy is not held to the first one's limit, and an
    // address the client writes itself, left of the one the proxy added, changes nothing.
    let (accepted, client) = welcomed(&server, "203.0.113.8").await;
    assert!(accepted);
    open.push(client);
    let (accepted, _) = welcomed(&server, "198.51.100.1, 203.0.113.7").await;
    assert!(!accepted);
}

#[tokio::test]
async fn without_trusted_proxies_the_header_is_ignored() {
    let server = TestServer::start_ready_with(|config| {
        config.limits.connections_per_address = 2;
    })
    .await;
    let mut open = Vec::new();
    for (address, expected) in [
        ("203.0.113.1", true),
        ("203.0.113.2", true),
        ("203.0.113.3", false),
    ] {
        let (accepted, client) = welcomed(&server, address).await;
        assert_eq!(accepted, expected, "{address}");
        open.push(client);
    }
}
