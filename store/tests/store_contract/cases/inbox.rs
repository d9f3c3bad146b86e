//! Direct messages, conversations with their unread counts, and notifications.

use futures_util::future::join_all;
use pianorhythm_core::domain::{
    block::Block,
    inbox::{
        CountsAfterSending, DirectMessage, Notification, NotificationKind, UnreadCounts,
        KEPT_NOTIFICATIONS,
    },
};
use pianorhythm_store::{ids::new_id, StoreError};

use super::users::new_user;
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

pub async fn a_recipient_is_read_with_blocks_either_way_and_friendship(backend: &mut Backend) {
    let store = &backend.store;
    let ana = store.users.create(new_user("anna", None)).await.unwrap();
    let bo = store.users.create(new_user("bobo", None)).await.unwrap();
    let stand = |usertag: &'static str, sender: String| async move {
        let recipient = store.messages.recipient(&sender, usertag).await.unwrap();
        (
            recipient.blocks_sender,
            recipient.blocked_by_sender,
            recipient.friend_of_sender,
        )
    };
    let found = store.messages.recipient(&ana.id, "BOBO").await.unwrap();
    assert_eq!(found.user, bo, "by usertag, ignoring case");
    assert_eq!(stand("bobo", ana.id.clone()).await, (false, false, false));
    assert!(matches!(
        store.messages.recipient(&ana.id, "bob_").await,
        Err(StoreError::NotFound(_))
    ));

    let at = 1_700_000_000_000;
    let block = |player: &str| Block {
        player_id: player.into(),
        name: "someone".into(),
        at,
    };
    store.blocks.block(&bo.id, &block(&ana.id)).await.unwrap();
    assert_eq!(stand("bobo", ana.id.clone()).await, (true, false, false));
    assert_eq!(stand("anna", bo.id.clone()).await, (false, true, false));
    store.blocks.unblock(&bo.id, &ana.id).await.unwrap();
    store.blocks.block(&bo.id, &block("cy")).await.unwrap();
    assert_eq!(
        stand("bobo", ana.id.clone()).await,
        (false, false, false),
        "another's block is not this pair's"
    );

    store.friends.request(&ana.id, &bo.id, at).await.unwrap();
    assert_eq!(
        stand("bobo", ana.id.clone()).await,
        (false, false, false),
        "a request is no friendship"
    );
    store.friends.accept(&bo.id, &ana.id, at).await.unwrap();
    assert_eq!(stand("bobo", ana.id.clone()).await, (false, false, true));
    assert_eq!(stand("anna", bo.id.clone()).await, (false, false, true));
}

pub async fn recipients_asked_at_once_each_get_their_own(backend: &mut Backend) {
    let store = &backend.store;
    let ana = store.users.create(new_user("anna", None)).await.unwrap();
    let bo = store.users.create(new_user("bobo", None)).await.unwrap();
    let cy = store.users.create(new_user("cyan", None)).await.unwrap();
    let block = Block {
        player_id: ana.id.clone(),
        name: "anna".into(),
        at: 1,
    };
    store.blocks.block(&bo.id, &block).await.unwrap();
    store.friends.request(&ana.id, &cy.id, 1).await.unwrap();
    store.friends.accept(&cy.id, &ana.id, 1).await.unwrap();
    // Who asks, about whom, and how they stand: blocks sender, blocked by sender, friends.
    let asked = [
        (&ana.id, "bobo", Some((&bo, (true, false, false)))),
        (&bo.id, "anna", Some((&ana, (false, true, false)))),
        (&ana.id, "cyan", Some((&cy, (false, false, true)))),
        (&cy.id, "ANNA", Some((&ana, (false, false, true)))),
        (&cy.id, "bobo", Some((&bo, (false, false, false)))),
        (&ana.id, "nobody", None),
    ];
    let many = asked.iter().cycle().take(asked.len() * 5);
    let found = join_all(
        many.clone()
            .map(|(sender, usertag, _)| store.messages.recipient(sender, usertag)),
    )
    .await;
    for ((sender, usertag, expected), found) in many.zip(found) {
        let about = format!("{sender} asking about {usertag}");
        match (expected, found) {
            (Some((user, stand)), Ok(recipient)) => {
                assert_eq!(recipient.user, **user, "{about}");
                let found = (
                    recipient.blocks_sender,
                    recipient.blocked_by_sender,
                    recipient.friend_of_sender,
                );
                assert_eq!(found, *stand, "{about}");
            }
            (None, Err(StoreError::NotFound(_))) => {}
            (_, found) => panic!("{about}: {found:?}"),
        }
    }
}

pub async fn sending_answers_both_members_counts(backend: &mut Backend) {
    let messages = &backend.store.messages;
    let notifications = &backend.store.notifications;
    notifications.notify(&notification("bo", 0)).await.unwrap();
    let counts = |conversations, notifications| UnreadCounts {
        conversations,
        notifications,
    };
    let sent = messages.send(&message("ana", "bo", "hi")).await.unwrap();
    assert_eq!(
        sent,
        CountsAfterSending {
            sender: counts(0, 0),
            recipient: counts(1, 1),
        }
    );
    messages.send(&message("cy", "bo", "hey")).await.unwrap();
    let answer = messages.send(&message("bo", "ana", "yes")).await.unwrap();
    assert_eq!(
        answer.sender,
        counts(2, 1),
        "a reply leaves its sender's counts as they were"
    );
    assert_eq!(answer.recipient, counts(1, 0));
    // Sent at once, written together: each answer is its own members'.
    let together = [message("dee", "ana", "1"), message("eve", "cy", "2")];
    let answers = futures_util::future::join_all(together.iter().map(|m| messages.send(m))).await;
    let answers: Vec<_> = answers.into_iter().map(Result::unwrap).collect();
    assert_eq!(
        answers[0].recipient,
        messages.unread_counts("ana").await.unwrap()
    );
    assert_eq!(answers[0].sender, counts(0, 0));
    assert_eq!(answers[1].recipient, counts(1, 0));
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
