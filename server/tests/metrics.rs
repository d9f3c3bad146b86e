//! `/metrics`: Prometheus text on its own listener, with the counters moving after traffic.

mod common;

use common::TestServer;
use pianorhythm_core::protocol::{
    client_message::Kind as Request, server_message::Kind, ChatSend, NoteBatch, NoteEvent,
    NoteEventKind, RoomSettingsUpdate,
};

fn note_ons(count: u32) -> Request {
    Request::Notes(NoteBatch {
        time: now_ms(),
        events: (0..count)
            .map(|i| NoteEvent {
                offset_ms: i,
                kind: NoteEventKind::NoteOn as i32,
                key: 60 + i % 24,
                value: 90,
            })
            .collect(),
    })
}

fn now_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
        * 1000.0
}

/// The value of the series `name{labels}` (labels as written by the exporter), if present.
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|value| value.trim().parse().ok())
}

async fn scrape(server: &TestServer) -> String {
    let url = format!("http://{}/metrics", server.server.metrics_addr());
    let response = server.http.get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_are_served_apart_and_move_with_traffic() {
    let server = TestServer::start().await;
    let before = scrape(&server).await;
    assert_eq!(value(&before, "pianorhythm_connections_open"), Some(0.0));

    let (mut alice, _) = server.player().await;
    alice
        .create_room(RoomSettingsUpdate {
            name: Some("Counted".into()),
            ..Default::default()
        })
        .await;
    let (mut bob, _) = server.player().await;
    bob.join_room("Counted", None).await;
    bob.joined().await;

    // 10 notes pass; then a flood far over the quota (300 at once) loses some.
    alice.request(note_ons(10)).await;
    bob.wait_for(|kind| matches!(kind, Kind::Notes(_)).then_some(()))
        .await;
    for _ in 0..2 {
        alice.request(note_ons(400)).await;
    }
    alice
        .wait_for(|kind| match kind {
            Kind::NoteQuota(quota) if quota.dropped > 0 => Some(()),
            _ => None,
        })
        .await;
    alice
        .request(Request::Chat(ChatSend {
            text: "counted".into(),
        }))
        .await;
    bob.wait_for(|kind| matches!(kind, Kind::Chat(_)).then_some(()))
        .await;
    assert_eq!(server.get("/api/v1/rooms/active").await.status(), 200);
    assert_eq!(server.get("/no/such/page").await.status(), 404);

    let after = scrape(&server).await;
    assert_eq!(value(&after, "pianorhythm_connections_open"), Some(2.0));
    assert_eq!(value(&after, "pianorhythm_players"), Some(2.0));
    // The Lobby and "Counted".
    assert_eq!(value(&after, "pianorhythm_rooms"), Some(2.0));
    let relayed = value(&after, "pianorhythm_notes_relayed_total").unwrap();
    assert!((10.0..810.0).contains(&relayed), "{relayed}");
    let dropped = value(&after, "pianorhythm_notes_dropped_total{reason=\"quota\"}").unwrap();
    assert_eq!(relayed + dropped, 810.0);
    assert!(
        after.contains("pianorhythm_store_operation_seconds_count{operation=\"chat.append\"} 1")
    );
    assert!(after.contains("pianorhythm_journal_queue_depth"));
    assert_eq!(
        value(
            &after,
            "pianorhythm_http_requests_total{route=\"/api/v1/rooms/active\",status=\"200\"}"
        ),
        Some(1.0),
        "{after}"
    );
    assert!(after.contains("pianorhythm_http_requests_total{route=\"unmatched\",status=\"404\"}"));
    assert!(after.contains("pianorhythm_http_request_duration_seconds_bucket"));

    // Never on the public listener.
    let public = server.get("/metrics").await;
    assert_ne!(public.status(), 200);
    assert!(!public.text().await.unwrap().contains("pianorhythm_"));

    // Players leave: the gauges follow.
    drop((alice, bob));
    let mut gauges_settled = false;
    for _ in 0..50 {
        let text = scrape(&server).await;
        if value(&text, "pianorhythm_connections_open") == Some(0.0)
            && value(&text, "pianorhythm_players") == Some(0.0)
        {
            gauges_settled = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(gauges_settled);
}
