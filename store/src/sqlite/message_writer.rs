//! Direct messages written together: every message that arrives while a transaction is being
//! written waits for the next one, so a crowd writing at once costs one commit (one fsync)
//! per round instead of one each, and no writer waits on SQLite's busy handler. A group is
//! three statements whatever its size (the messages, the conversations, the counts), as each
//! statement is a round trip to SQLite's worker thread. Each sender is answered once its
//! message is durable, as with a transaction of its own, with both members' header counts.

use std::collections::{BTreeSet, HashMap};

use pianorhythm_core::domain::inbox::{CountsAfterSending, DirectMessage, UnreadCounts};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

use super::{inbox::pair, unavailable, unread::unread_counts};
use crate::{StoreError, StoreResult};

/// The most messages written in one transaction.
const MOST_AT_ONCE: usize = 64;
/// Messages that may wait for the writer; more wait to be queued.
const QUEUE: usize = 1024;

/// A message waiting to be written, and who waits for it.
struct Waiting {
    /// The message to write.
    message: DirectMessage,
    /// Told once the message is durable (with both members' counts), or why it could not be
    /// written.
    written: oneshot::Sender<StoreResult<CountsAfterSending>>,
}

/// Queues messages for the task that writes them.
#[derive(Clone, Debug)]
pub(super) struct MessageWriter {
    /// Where messages wait for the writing task.
    queue: mpsc::Sender<Waiting>,
}

impl MessageWriter {
    /// Starts the writing task; it ends when the last writer handle is dropped.
    pub fn start(pool: SqlitePool) -> Self {
        let (queue, mut arrivals) = mpsc::channel::<Waiting>(QUEUE);
        tokio::spawn(async move {
            let mut batch = Vec::with_capacity(MOST_AT_ONCE);
            while arrivals.recv_many(&mut batch, MOST_AT_ONCE).await > 0 {
                write_batch(&pool, &mut batch).await;
            }
        });
        Self { queue }
    }

    /// Writes `message`; returns once it is durable, with both members' counts.
    pub async fn write(&self, message: &DirectMessage) -> StoreResult<CountsAfterSending> {
        let (written, done) = oneshot::channel();
        let waiting = Waiting {
            message: message.clone(),
            written,
        };
        let stopped = || StoreError::Unavailable("the message writer has stopped".into());
        self.queue.send(waiting).await.map_err(|_| stopped())?;
        done.await.map_err(|_| stopped())?
    }
}

/// Writes a batch in one transaction. Should it fail, each message is written alone, so one
/// that cannot be written does not take the others with it.
async fn write_batch(pool: &SqlitePool, batch: &mut Vec<Waiting>) {
    if batch.len() > 1 {
        if let Ok(counts) = write_together(pool, batch).await {
            for waiting in batch.drain(..) {
                let _ = waiting
                    .written
                    .send(Ok(counts_of(&counts, &waiting.message)));
            }
            return;
        }
    }
    for waiting in batch.drain(..) {
        let alone = write_together(pool, std::slice::from_ref(&waiting)).await;
        let answer = alone.map(|counts| counts_of(&counts, &waiting.message));
        let _ = waiting.written.send(answer);
    }
}

/// Writes the messages of `batch` in one transaction; answers the counts of every member
/// they involve, as the transaction leaves them.
async fn write_together(
    pool: &SqlitePool,
    batch: &[Waiting],
) -> StoreResult<HashMap<String, UnreadCounts>> {
    let mut transaction = pool.begin().await.map_err(unavailable)?;
    insert_messages(&mut transaction, batch).await?;
    count_conversations(&mut transaction, batch).await?;
    let members: BTreeSet<&str> = batch
        .iter()
        .flat_map(|waiting| [waiting.message.from.as_str(), waiting.message.to.as_str()])
        .collect();
    let members: Vec<&str> = members.into_iter().collect();
    let counts = unread_counts(&mut *transaction, &members).await?;
    transaction.commit().await.map_err(unavailable)?;
    Ok(counts)
}

/// The messages of `batch`, in one statement.
async fn insert_messages(connection: &mut SqliteConnection, batch: &[Waiting]) -> StoreResult<()> {
    let mut insert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO direct_messages (id, low_id, high_id, sender, recipient, text, sent_at) ",
    );
    insert.push_values(batch, |mut row, waiting| {
        let message = &waiting.message;
        let (low, high) = pair(&message.from, &message.to);
        row.push_bind(&message.id)
            .push_bind(low)
            .push_bind(high)
            .push_bind(&message.from)
            .push_bind(&message.to)
            .push_bind(&message.text)
            .push_bind(message.sent_at);
    });
    insert
        .build()
        .execute(connection)
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// Both members' side of each message's conversation, in one statement: the latest message,
/// and one more unread for its recipient. SQLite applies the rows one after another, so two
/// messages of one conversation in a batch both count.
async fn count_conversations(
    connection: &mut SqliteConnection,
    batch: &[Waiting],
) -> StoreResult<()> {
    let sides = batch.iter().flat_map(|waiting| {
        let message = &waiting.message;
        [
            (&message.from, &message.to, &message.id, 0),
            (&message.to, &message.from, &message.id, 1),
        ]
    });
    let mut upsert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO conversations (owner_id, other_id, last_message_id, unread) ",
    );
    upsert.push_values(sides, |mut row, (owner, other, id, unread)| {
        row.push_bind(owner)
            .push_bind(other)
            .push_bind(id)
            .push_bind(unread);
    });
    upsert.push(
        " ON CONFLICT (owner_id, other_id) DO UPDATE SET
            last_message_id = max(last_message_id, excluded.last_message_id),
            unread = unread + excluded.unread",
    );
    upsert
        .build()
        .execute(connection)
        .await
        .map_err(unavailable)?;
    Ok(())
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
