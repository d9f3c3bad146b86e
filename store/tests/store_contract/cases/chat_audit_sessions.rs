use pianorhythm_core::{
    domain::{
        audit::{AuditAction, AuditEntry},
        session::SessionRecord,
    },
    protocol::{ChatMessage, Participant},
};
use pianorhythm_store::StoreError;

use crate::backends::Backend;

pub fn chat_message(number: usize, text: &str) -> ChatMessage {
    ChatMessage {
        id: format!("{number:016x}"),
        sender: Some(Participant {
            id: format!("player-{}", number % 3),
            name: format!("Player {}", number % 3),
            color: "#123456".into(),
            ..Default::default()
        }),
        text: text.into(),
        time: 1_700_000_000_000.5 + number as f64,
    }
}

pub async fn chat_history_is_ordered_and_kept_per_room(backend: &mut Backend) {
    let chat = &backend.store.chat;
    let lobby: Vec<ChatMessage> = (0..60)
        .map(|n| chat_message(n, &format!("message {n} (.*) $where {{}} 🎹")))
        .collect();
    for message in &lobby {
        chat.append("lobby", message).await.unwrap();
    }
    chat.append("jazz", &chat_message(1000, "elsewhere"))
        .await
        .unwrap();

    assert_eq!(chat.recent("lobby", 50).await.unwrap(), lobby[10..]);
    assert_eq!(chat.recent("lobby", 1).await.unwrap(), lobby[59..]);
    assert_eq!(
        chat.recent("jazz", 50).await.unwrap(),
        [chat_message(1000, "elsewhere")]
    );
    assert_eq!(chat.recent("nowhere", 50).await.unwrap(), []);
}

pub async fn a_deleted_chat_message_is_gone_from_its_room_only(backend: &mut Backend) {
    let chat = &backend.store.chat;
    let messages: Vec<ChatMessage> = (0..3).map(|n| chat_message(n, "hello")).collect();
    for message in &messages {
        chat.append("lobby", message).await.unwrap();
    }
    // The same id in another room is another message.
    chat.append("jazz", &messages[1]).await.unwrap();
    chat.delete("lobby", &messages[1].id).await.unwrap();
    assert_eq!(
        chat.recent("lobby", 10).await.unwrap(),
        [messages[0].clone(), messages[2].clone()]
    );
    assert_eq!(
        chat.recent("jazz", 10).await.unwrap(),
        [messages[1].clone()]
    );
    // Deleting what is gone (or never was) is not an error.
    chat.delete("lobby", &messages[1].id).await.unwrap();
    chat.delete("nowhere", "nothing").await.unwrap();
}

fn audit_entry(at: i64, action: AuditAction, room: Option<&str>) -> AuditEntry {
    AuditEntry {
        at,
        action,
        actor_id: Some("owner".into()),
        room_id: room.map(str::to_owned),
        target_id: Some("target".into()),
        details: format!("{} at {at}", action.as_str()),
        address: Some("2001:db8::7".into()),
        user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0".into()),
    }
}

pub async fn audit_log_is_newest_first_and_per_room(backend: &mut Backend) {
    let audit = &backend.store.audit;
    let entries = [
        audit_entry(1, AuditAction::RoomCreated, Some("jazz")),
        audit_entry(2, AuditAction::PlayerKicked, Some("jazz")),
        audit_entry(3, AuditAction::RoomCreated, Some("blues")),
        audit_entry(4, AuditAction::PlayerBanned, Some("jazz")),
        AuditEntry {
            actor_id: None,
            target_id: None,
            address: None,
            user_agent: None,
            ..audit_entry(5, AuditAction::CrownChanged, None)
        },
    ];
    for entry in &entries {
        audit.append(entry).await.unwrap();
    }
    let newest_first: Vec<AuditEntry> = entries.iter().rev().cloned().collect();
    assert_eq!(audit.recent(None, 10).await.unwrap(), newest_first);
    assert_eq!(audit.recent(None, 2).await.unwrap(), newest_first[..2]);
    assert_eq!(
        audit.recent(Some("jazz"), 10).await.unwrap(),
        [entries[3].clone(), entries[1].clone(), entries[0].clone()]
    );
    assert_eq!(audit.recent(Some("none"), 10).await.unwrap(), []);
}

pub async fn audit_entries_keep_every_action_and_where_it_came_from(backend: &mut Backend) {
    let audit = &backend.store.audit;
    let entries: Vec<AuditEntry> = AuditAction::ALL
        .into_iter()
        .zip(1..)
        .map(|(action, at)| AuditEntry {
            address: Some(format!("203.0.113.{at}")),
            user_agent: Some(format!("PianoRhythm/{at} (\"quoted\"; $where)")),
            ..audit_entry(at, action, Some("moderated"))
        })
        .collect();
    for entry in &entries {
        audit.append(entry).await.unwrap();
    }
    let newest_first: Vec<AuditEntry> = entries.iter().rev().cloned().collect();
    assert_eq!(
        audit.recent(Some("moderated"), 20).await.unwrap(),
        newest_first
    );
}

pub async fn sessions_expire_and_their_ids_are_unique(backend: &mut Backend) {
    let sessions = &backend.store.sessions;
    let now = 1_700_000_000_000;
    let record = SessionRecord {
        id: "c2Vzc2lvbi1vbmU".into(),
        data: br#"{"guest":{"id":"1"}}"#.to_vec(),
        expires_at: now + 60_000,
    };
    sessions.create(&record).await.unwrap();
    assert_eq!(
        sessions.create(&record).await,
        Err(StoreError::Conflict { what: "session id" })
    );
    assert_eq!(
        sessions.load(&record.id, now).await.unwrap(),
        Some(record.clone())
    );

    let renewed = SessionRecord {
        data: br#"{"guest":{"id":"2"}}"#.to_vec(),
        expires_at: now + 120_000,
        ..record.clone()
    };
    sessions.save(&renewed).await.unwrap();
    assert_eq!(
        sessions.load(&record.id, now + 90_000).await.unwrap(),
        Some(renewed.clone())
    );
    assert_eq!(
        sessions.load(&record.id, now + 120_000).await.unwrap(),
        None
    );

    let other = SessionRecord {
        id: "c2Vzc2lvbi10d28".into(),
        expires_at: now + 1_000_000,
        ..record.clone()
    };
    sessions.save(&other).await.unwrap();
    assert_eq!(sessions.delete_expired(now + 500_000).await.unwrap(), 1);
    assert_eq!(
        sessions.load(&other.id, now).await.unwrap(),
        Some(other.clone())
    );
    sessions.delete(&other.id).await.unwrap();
    sessions.delete(&other.id).await.unwrap();
    assert_eq!(sessions.load(&other.id, now).await.unwrap(), None);
    backend.store.health.ping().await.unwrap();
}
