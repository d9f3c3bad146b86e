//! The `/ws` endpoint with real WebSocket clients: handshake, clock sync, bad input, shutdown.

mod common;

use common::TestServer;
use pianorhythm_core::protocol::{
    client_message, server_message, ClientMessage, DisconnectReason, ErrorCode, ServerMessage,
    TimePing, MAX_FRAME_BYTES, PROTOCOL_VERSION,
};
use tokio_tungstenite::tungstenite::{protocol::frame::coding::CloseCode, Message};

fn error_code(message: &ServerMessage) -> ErrorCode {
    match &message.kind {
        Some(server_message::Kind::Error(error)) => error.code(),
        other => panic!("expected an error, got {other:?}"),
    }
}

fn ping(client_send_time: f64) -> ClientMessage {
    ClientMessage::from_kind(client_message::Kind::Ping(TimePing { client_send_time }))
}

#[tokio::test]
async fn welcome_carries_version_and_server_time() {
    let server = TestServer::start().await;
    let before = pianorhythm_engine::clock::now_ms();
    let (_client, welcome) = server.connect().await;
    let Some(server_message::Kind::Welcome(welcome)) = welcome.kind else {
        panic!("expected a welcome, got {welcome:?}");
    };
    assert_eq!(welcome.protocol_version, PROTOCOL_VERSION);
    assert!(
        welcome.server_time >= before && welcome.server_time <= pianorhythm_engine::clock::now_ms()
    );
}

#[tokio::test]
async fn ping_is_answered_with_server_receive_and_send_times() {
    let server = TestServer::start().await;
    let (mut client, _) = server.connect().await;
    let sent = pianorhythm_engine::clock::now_ms();
    client.send(ping(sent)).await;
    let Some(server_message::Kind::Pong(pong)) = client.recv_skipping_lists().await.kind else {
        panic!("expected a pong");
    };
    assert_eq!(pong.client_send_time, sent);
    assert!(pong.server_receive_time >= sent);
    assert!(pong.server_send_time >= pong.server_receive_time);
}

#[tokio::test]
async fn client_of_another_protocol_version_gets_a_clear_error_and_close() {
    for path in ["/ws?v=0", "/ws", "/ws?v=one"] {
        let server = TestServer::start().await;
        let client = server.connect_to(path).await;
        assert_refused_for_protocol_mismatch(client).await;
    }
}

async fn assert_refused_for_protocol_mismatch(mut client: common::WsClient) {
    assert_eq!(
        error_code(&client.recv_skipping_lists().await),
        ErrorCode::UnsupportedProtocol
    );
    let Some(server_message::Kind::Disconnect(goodbye)) = client.recv_skipping_lists().await.kind
    else {
        panic!("expected a disconnect notice");
    };
    assert_eq!(goodbye.reason(), DisconnectReason::ProtocolMismatch);
    match client.recv_frame().await {
        Some(Message::Close(Some(frame))) => assert_eq!(frame.code, CloseCode::Protocol),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

#[tokio::test]
async fn malformed_frames_get_errors_and_the_connection_survives() {
    let server = TestServer::start().await;
    let (mut client, _) = server.connect().await;

    client
        .send_raw(Message::Binary(vec![0xff, 0xff, 0xff].into()))
        .await;
    assert_eq!(
        error_code(&client.recv_skipping_lists().await),
        ErrorCode::InvalidMessage
    );

    client.send_raw(Message::Text("{\"ping\": 1}".into())).await;
    assert_eq!(
        error_code(&client.recv_skipping_lists().await),
        ErrorCode::InvalidMessage
    );

    // An empty message decodes but says nothing: a field number from a newer protocol looks
    // the same to this server.
    client
        .send_raw(Message::Binary(vec![0x80, 0x01, 0x01].into()))
        .await;
    assert_eq!(
        error_code(&client.recv_skipping_lists().await),
        ErrorCode::InvalidMessage
    );

    client.send(ping(1.0)).await;
    assert!(matches!(
        client.recv_skipping_lists().await.kind,
        Some(server_message::Kind::Pong(_))
    ));
}

#[tokio::test]
async fn oversized_frame_is_refused_with_a_clear_error() {
    let server = TestServer::start().await;
    let (mut client, _) = server.connect().await;
    client
        .send_raw(Message::Binary(vec![0u8; MAX_FRAME_BYTES + 1].into()))
        .await;
    assert_eq!(
        error_code(&client.recv_skipping_lists().await),
        ErrorCode::MessageTooLarge
    );
    client.send(ping(2.0)).await;
    assert!(matches!(
        client.recv_skipping_lists().await.kind,
        Some(server_message::Kind::Pong(_))
    ));
}

#[tokio::test]
async fn huge_frame_ends_only_that_connection() {
    let server = TestServer::start().await;
    let (mut bystander, _) = server.connect().await;
    let (mut client, _) = server.connect().await;
    client.drain().await;
    client
        .send_raw(Message::Binary(vec![0u8; 8 * MAX_FRAME_BYTES].into()))
        .await;
    assert!(!matches!(
        client.recv_frame().await,
        Some(Message::Binary(_))
    ));

    bystander.send(ping(3.0)).await;
    assert!(matches!(
        bystander.recv_skipping_lists().await.kind,
        Some(server_message::Kind::Pong(_))
    ));
}

#[tokio::test]
async fn shutdown_tells_clients_the_server_is_restarting() {
    let server = TestServer::start().await;
    let (mut client, _) = server.connect().await;
    server.server.begin_shutdown();
    let Some(server_message::Kind::Disconnect(goodbye)) = client.recv_skipping_lists().await.kind
    else {
        panic!("expected a disconnect notice");
    };
    assert_eq!(goodbye.reason(), DisconnectReason::ServerRestarting);
    match client.recv_frame().await {
        Some(Message::Close(Some(frame))) => assert_eq!(frame.code, CloseCode::Restart),
        other => panic!("expected a close frame, got {other:?}"),
    }
}

/// Opens `/ws` with an `Origin` header; the HTTP status of a refused upgrade, or 101.
async fn upgrade_status(server: &TestServer, origin: &str) -> u16 {
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Error};
    let url = format!(
        "ws://{}/ws?v={PROTOCOL_VERSION}",
        server.server.local_addr()
    );
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(Error::Http(response)) => {
            let body = response.body().as_deref().unwrap_or_default();
            let body: serde_json::Value = serde_json::from_slice(body).unwrap();
            assert_eq!(body["code"], "forbidden");
            response.status().as_u16()
        }
        Err(other) => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn pages_of_other_sites_cannot_open_a_socket() {
    let server = TestServer::start_ready_with(|config| {
        config.allowed_origins = server::ws::OriginPolicy::from_list("https://piano.example");
    })
    .await;
    let own = format!("http://{}", server.server.local_addr());
    assert_eq!(upgrade_status(&server, &own).await, 101);
    assert_eq!(upgrade_status(&server, "https://piano.example").await, 101);
    assert_eq!(upgrade_status(&server, "http://evil.example").await, 403);
    assert_eq!(upgrade_status(&server, "null").await, 403);
}

/// Sessions written to the server's embedded store.
async fn stored_sessions(server: &TestServer) -> i64 {
    let path = server.data.path().join("pianorhythm.sqlite3");
    let url = format!("sqlite://{}?mode=ro", path.display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let count = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    count
}

#[tokio::test]
async fn visitors_who_do_nothing_leave_no_stored_session() {
    // A thousand handshakes from one address: more than its handshake rate allows.
    let server = TestServer::start_ready_with(|config| config.http.burst = 2_000).await;
    for _ in 0..1_000 {
        let (client, _) = server.connect().await;
        assert!(
            client.cookie.is_some(),
            "a reload would still be the same guest"
        );
    }
    // A client speaking another protocol version gets no session at all.
    let refused = server.connect_to("/ws?v=999").await;
    assert!(refused.cookie.is_none());
    assert_eq!(stored_sessions(&server).await, 0);

    // Joining a room is worth remembering: the guest is stored, once.
    let (mut player, _) = server.player().await;
    player.enter("lobby").await;
    player.drain().await;
    assert_eq!(stored_sessions(&server).await, 1);
}
