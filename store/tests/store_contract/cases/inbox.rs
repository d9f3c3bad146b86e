//! Direct messages, conversations with their unread counts, and notifications.

use pianorhythm_core::domain::inbox::{
    DirectMessage, Notification, NotificationKind, UnreadCounts, KEPT_NOTIFICATIONS,
};
use pianorhythm_store::ids::new_id;

use crate::backends::Backend;

fn message(from: &str, to: &str, text: &str) -> DirectMessage {
    DirectMessage {
        id: new_id(),
        from: from.into(),
        to: to.into(),
        text: text.into(),
        sent_at: 1_700_000_000_000,
    }
}

pub async fn conversations_page_back_and_count_what_is_unread(backend: &mut Backend) {
    let store = &backend.store.messages;
    // Ids on either side of each other, so both orders of a pair are tried.
    let mut sent = Vec::new();
    for n in 0..5 {
        let (from, to) = match n % 2 {
            0 => ("bo", "ana"),
            _ => ("ana", "bo"),
        };
        let message = message(from, to, &format!("line {n}"));
        store.send(&message).await.unwrap();
        sent.push(message);
    }
    store.send(&message("cy", "ana", "hello")).await.unwrap();

    let newest: Vec<_> = sent.iter().rev().cloned().collect();
    assert_eq!(
        store.conversation("ana", "bo", None, 50).await.unwrap(),
        newest
    );
    assert_eq!(
        store.conversation("bo", "ana", None, 2).await.unwrap(),
        newest[..2],
        "either side reads the same conversation, newest first"
    );
    assert_eq!(
        store
            .conversation("ana", "bo", Some(&newest[1].id), 2)
            .await
            .unwrap(),
        newest[2..4],
        "pages go back from a message"
    );
    assert_eq!(
        store
            .conversation("ana", "bo", Some(&newest[4].id), 2)
            .await
            .unwrap(),
        []
    );

    let ana = store.conversations("ana").await.unwrap();
    assert_eq!(ana.len(), 2);
    assert_eq!(
        (ana[0].other.as_str(), ana[0].unread),
        ("cy", 1),
        "latest first"
    );
    assert_eq!(ana[0].last.text, "hello");
    assert_eq!((ana[1].other.as_str(), ana[1].unread), ("bo", 3));
    assert_eq!(ana[1].last, sent[4]);
    let bo = store.conversations("bo").await.unwrap();
    assert_eq!((bo[0].other.as_str(), bo[0].unread), ("ana", 2));
    assert_eq!(store.unread_conversations("ana").await.unwrap(), 2);

    assert!(store.mark_read("ana", "bo").await.unwrap());
    assert!(!store.mark_read("ana", "bo").await.unwrap(), "read once");
    assert!(!store.mark_read("ana", "nobody").await.unwrap());
    assert_eq!(store.unread_conversations("ana").await.unwrap(), 1);
    assert_eq!(
        store.unread_conversations("bo").await.unwrap(),
        1,
        "reading one side leaves the other's count"
    );
    store.send(&message("bo", "ana", "again")).await.unwrap();
    assert_eq!(store.conversations("ana").await.unwrap()[0].unread, 1);
    assert!(store.conversations("nobody").await.unwrap().is_empty());
}

pub async fn messages_sent_at_once_are_all_kept_and_counted(backend: &mut Backend) {
    let store = &backend.store.messages;
    let writers: Vec<String> = (0..40).map(|n| format!("writer{n}")).collect();
    // Every writer twice at once: writes that arrive together are stored together.
    let sent: Vec<DirectMessage> = writers
        .iter()
        .chain(&writers)
        .map(|writer| message(writer, "star", "at once"))
        .collect();
    let results = futures_util::future::join_all(sent.iter().map(|m| store.send(m))).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let conversations = store.conversations("star").await.unwrap();
    assert_eq!(conversations.len(), writers.len());
    assert!(
        conversations.iter().all(|c| c.unread == 2),
        "{conversations:?}"
    );
    assert_eq!(store.unread_conversations("star").await.unwrap(), 40);
    for writer in &writers {
        let kept = store.conversation("star", writer, None, 10).await.unwrap();
        assert_eq!(kept.len(), 2, "{writer}");
        assert_eq!(store.conversations(writer).await.unwrap()[0].unread, 0);
    }
}

fn notification(owner: &str, n: u32) -> Notification {
    Notification {
        id: new_id(),
        owner: owner.into(),
        kind: NotificationKind::FriendRequest,
        actor_id: "bo".into(),
        text: format!("notice {n}"),
        link: "/friends".into(),
        at: 1_700_000_000_000 + i64::from(n),
        read: false,
    }
}

pub async fn notifications_keep_the_newest_and_are_read_together(backend: &mut Backend) {
    let store = &backend.store.notifications;
    let mut first = notification("ana", 0);
    first.kind = NotificationKind::Mention;
    store.notify(&first).await.unwrap();
    store.notify(&notification("bo", 0)).await.unwrap();
    assert_eq!(store.notifications("ana").await.unwrap(), [first.clone()]);
    assert_eq!(store.unread_notifications("ana").await.unwrap(), 1);
    assert!(store.mark_all_read("ana").await.unwrap());
    assert!(!store.mark_all_read("ana").await.unwrap());
    assert!(store.notifications("ana").await.unwrap()[0].read);
    assert_eq!(store.unread_notifications("ana").await.unwrap(), 0);
    assert_eq!(
        store.unread_notifications("bo").await.unwrap(),
        1,
        "per owner"
    );

    for n in 1..=KEPT_NOTIFICATIONS + 5 {
        store.notify(&notification("ana", n)).await.unwrap();
    }
    let kept = store.notifications("ana").await.unwrap();
    assert_eq!(kept.len(), KEPT_NOTIFICATIONS as usize);
    assert_eq!(kept[0].text, format!("notice {}", KEPT_NOTIFICATIONS + 5));
    assert_eq!(kept.last().unwrap().text, "notice 6", "the oldest went");
    assert_eq!(
        store.unread_notifications("ana").await.unwrap(),
        KEPT_NOTIFICATIONS
    );
    assert_eq!(store.notifications("bo").await.unwrap().len(), 1);

    // The header's counts in one read: both kinds, each member's own.
    backend
        .store
        .messages
        .send(&message("cy", "ana", "hi"))
        .await
        .unwrap();
    let counts = |conversations, notifications| UnreadCounts {
        conversations,
        notifications,
    };
    let messages = &backend.store.messages;
    let ana = messages.unread_counts("ana").await.unwrap();
    assert_eq!(ana, counts(1, KEPT_NOTIFICATIONS));
    assert_eq!(messages.unread_counts("bo").await.unwrap(), counts(0, 1));
    assert_eq!(messages.unread_counts("cy").await.unwrap(), counts(0, 0));
}
