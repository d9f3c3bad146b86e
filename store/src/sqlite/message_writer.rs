//! Direct messages written together: every message that arrives while a transaction is being
//! written waits for the next one, so a crowd writing at once costs one commit (one fsync)
//! per round instead of one each, and no writer waits on SQLite's busy handler. Each sender is
//! answered once its message is durable, as with a transaction of its own, with both members'
//! header counts.
//!
//! Each call into sqlx is a round trip to the connection's worker thread, which costs more
//! than the statements themselves on a busy machine. So a group's whole transaction (begin,
//! the messages, the conversations, the counts, commit) is one multi-statement query: one
//! round trip, on a connection of the writer's own, so it never waits for the pool's readers
//! nor holds one of their connections.

use std::collections::{BTreeSet, HashMap};

use pianorhythm_core::domain::inbox::{CountsAfterSending, DirectMessage, UnreadCounts};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::{
    grouped::{Answerer, Waiting},
    inbox::pair,
    unavailable,
    unread::{counts_by_member, push_unread_counts, CountsRow},
};
use crate::StoreResult;

/// Writes groups of messages on a connection of its own.
#[derive(Debug)]
pub(super) struct MessageWriter {
    /// The writer's own connection, apart from the pool's readers.
    pub connection: SqliteConnection,
}

/// A message waiting to be written; answered once it is durable, with both members' counts.
type WaitingMessage = Waiting<DirectMessage, CountsAfterSending>;

impl Answerer for MessageWriter {
    type Ask = DirectMessage;
    type Answer = CountsAfterSending;
    const MOST_AT_ONCE: usize = 64;

    /// Writes a group in one transaction. Should it fail, each message is written alone, so
    /// one that cannot be written does not take the others with it.
    async fn answer(&mut self, group: Vec<WaitingMessage>) {
        let connection = &mut self.connection;
        if group.len() > 1 {
            if let Ok(counts) = write_together(connection, &group).await {
                for waiting in group {
                    let counts = counts_of(&counts, &waiting.ask);
                    waiting.reply(Ok(counts));
                }
                return;
            }
        }
        for waiting in group {
            let alone = write_together(connection, std::slice::from_ref(&waiting)).await;
            let answer = alone.map(|counts| counts_of(&counts, &waiting.ask));
            waiting.reply(answer);
        }
    }
}

/// Writes the messages of `group` in one transaction, in one round trip; answers the counts
/// of every member they involve, as the transaction leaves them. Should a statement fail, the
/// transaction is rolled back, so the connection is left as it was.
async fn write_together(
    connection: &mut SqliteConnection,
    group: &[WaitingMessage],
) -> StoreResult<HashMap<String, UnreadCounts>> {
    let members: BTreeSet<&str> = group
        .iter()
        .flat_map(|waiting| [waiting.ask.from.as_str(), waiting.ask.to.as_str()])
        .collect();
    let members: Vec<&str> = members.into_iter().collect();
    // The write lock is taken at the start: the statements never wait half-way.
    let mut transaction = QueryBuilder::<Sqlite>::new("BEGIN IMMEDIATE; ");
    push_messages(&mut transaction, group);
    transaction.push("; ");
    push_conversations(&mut transaction, group);
    transaction.push("; ");
    push_unread_counts(&mut transaction, &members);
    transaction.push("; COMMIT");
    let written: Result<Vec<CountsRow>, _> = transaction
        .build_query_as()
        .fetch_all(&mut *connection)
        .await;
    match written {
        Ok(rows) => Ok(counts_by_member(rows)),
        Err(error) => {
            // Nothing to roll back if the failure was the BEGIN itself.
            let _ = sqlx::query("ROLLBACK").execute(&mut *connection).await;
            Err(unavailable(error))
        }
    }
}

/// The messages of `group`, in one statement.
fn push_messages<'a>(query: &mut QueryBuilder<'a, Sqlite>, group: &'a [WaitingMessage]) {
    query.push(
        "INSERT INTO direct_messages (id, low_id, high_id, sender, recipient, text, sent_at) ",
    );
    query.push_values(group, |mut row, waiting| {
        let message = &waiting.ask;
        let (low, high) = pair(&message.from, &message.to);
        row.push_bind(&message.id)
            .push_bind(low)
            .push_bind(high)
            .push_bind(&message.from)
            .push_bind(&message.to)
            .push_bind(&message.text)
            .push_bind(message.sent_at);
    });
}

/// Both members' side of each message's conversation, in one statement: the latest message,
/// and one more unread for its recipient. SQLite applies the rows one after another, so two
/// messages of one conversation in a group both count.
fn push_conversations<'a>(query: &mut QueryBuilder<'a, Sqlite>, group: &'a [WaitingMessage]) {
    let sides = group.iter().flat_map(|waiting| {
        let message = &waiting.ask;
        [
            (&message.from, &message.to, &message.id, 0),
            (&message.to, &message.from, &message.id, 1),
        ]
    });
    query.push("INSERT INTO conversations (owner_id, other_id, last_message_id, unread) ");
    query.push_values(sides, |mut row, (owner, other, id, unread)| {
        row.push_bind(owner)
            .push_bind(other)
            .push_bind(id)
            .push_bind(unread);
    });
    query.push(
        " ON CONFLICT (owner_id, other_id) DO UPDATE SET
            last_message_id = max(last_message_id, excluded.last_message_id),
            unread = unread + excluded.unread",
    );
}

/// The counts a message's members are told, from those of its transaction.
fn counts_of(
    counts: &HashMap<String, UnreadCounts>,
    message: &DirectMessage,
) -> CountsAfterSending {
    let of = |member: &str| counts.get(member).copied().unwrap_or_default();
    CountsAfterSending {
        sender: of(&message.from),
        recipient: of(&message.to),
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::oneshot;

    use super::*;
    use crate::sqlite::SqliteStore;

    /// A message waiting to be written, and where its answer arrives.
    fn waiting(
        id: &str,
        from: &str,
        to: &str,
    ) -> (
        WaitingMessage,
        oneshot::Receiver<StoreResult<CountsAfterSending>>,
    ) {
        let (answer, answered) = oneshot::channel();
        let ask = DirectMessage {
            id: id.into(),
            from: from.into(),
            to: to.into(),
            text: format!("message {id}"),
            sent_at: 1,
        };
        (Waiting { ask, answer }, answered)
    }

    #[tokio::test]
    async fn a_message_that_cannot_be_written_leaves_the_rest_of_its_group_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).await.unwrap();
        let connection = store.pool.acquire().await.unwrap().detach();
        let mut writer = MessageWriter { connection };
        let (first, _) = waiting("m1", "ana", "bo");
        writer.answer(vec![first]).await;

        // "m1" is taken: the group fails, then each of its messages is written alone.
        let (before, before_answer) = waiting("m2", "ana", "bo");
        let (taken, taken_answer) = waiting("m1", "ana", "bo");
        let (after, after_answer) = waiting("m3", "bo", "ana");
        writer.answer(vec![before, taken, after]).await;
        let counts = before_answer.await.unwrap().unwrap();
        assert_eq!(counts.recipient.conversations, 1);
        assert!(taken_answer.await.unwrap().is_err());
        let counts = after_answer.await.unwrap().unwrap();
        assert_eq!(
            (counts.sender.conversations, counts.recipient.conversations),
            (1, 1)
        );

        let unread: Vec<(String, i64)> =
            sqlx::query_as("SELECT owner_id, unread FROM conversations ORDER BY owner_id")
                .fetch_all(&store.pool)
                .await
                .unwrap();
        assert_eq!(unread, [("ana".into(), 1), ("bo".into(), 2)]);
        // No transaction was left open on the writer's connection.
        sqlx::query("BEGIN IMMEDIATE; ROLLBACK")
            .execute(&mut writer.connection)
            .await
            .unwrap();
    }
}
