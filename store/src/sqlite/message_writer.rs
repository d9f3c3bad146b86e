//! Direct messages written together: every message that arrives while a transaction is being
//! written waits for the next one, so a crowd writing at once costs one commit (one fsync)
//! per round instead of one each, and no writer waits on SQLite's busy handler. Each sender
//! is answered once its message is durable, as with a transaction of its own.

use pianorhythm_core::domain::inbox::DirectMessage;
use sqlx::{Sqlite, SqlitePool, Transaction};
use tokio::sync::{mpsc, oneshot};

use super::unavailable;
use crate::{StoreError, StoreResult};

/// The most messages written in one transaction.
const MOST_AT_ONCE: usize = 64;
/// Messages that may wait for the writer; more wait to be queued.
const QUEUE: usize = 1024;

/// A message waiting to be written, and who waits for it.
struct Waiting {
    /// The message to write.
    message: DirectMessage,
    /// Told once the message is durable, or why it could not be written.
    written: oneshot::Sender<StoreResult<()>>,
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

    /// Writes `message`; returns once it is durable.
    pub async fn write(&self, message: &DirectMessage) -> StoreResult<()> {
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
    if batch.len() > 1 && write_together(pool, batch).await.is_ok() {
        for waiting in batch.drain(..) {
            let _ = waiting.written.send(Ok(()));
        }
        return;
    }
    for waiting in batch.drain(..) {
        let alone = write_together(pool, std::slice::from_ref(&waiting)).await;
        let _ = waiting.written.send(alone);
    }
}

/// Writes the messages of `batch` in one transaction.
async fn write_together(pool: &SqlitePool, batch: &[Waiting]) -> StoreResult<()> {
    let mut transaction = pool.begin().await.map_err(unavailable)?;
    for waiting in batch {
        insert(&mut transaction, &waiting.message).await?;
    }
    transaction.commit().await.map_err(unavailable)
}

/// The message, and both members' conversations, in `transaction`.
async fn insert(
    transaction: &mut Transaction<'_, Sqlite>,
    message: &DirectMessage,
) -> StoreResult<()> {
    let (low, high) = super::inbox::pair(&message.from, &message.to);
    sqlx::query(
        "INSERT INTO direct_messages (id, low_id, high_id, sender, recipient, text, sent_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&message.id)
    .bind(low)
    .bind(high)
    .bind(&message.from)
    .bind(&message.to)
    .bind(&message.text)
    .bind(message.sent_at)
    .execute(&mut **transaction)
    .await
    .map_err(unavailable)?;
    for (owner, other, unread) in [
        (&message.from, &message.to, 0),
        (&message.to, &message.from, 1),
    ] {
        sqlx::query(
            "INSERT INTO conversations (owner_id, other_id, last_message_id, unread)
             VALUES (?, ?, ?, ?)
             ON CONFLICT (owner_id, other_id) DO UPDATE SET
                last_message_id = max(last_message_id, excluded.last_message_id),
                unread = unread + excluded.unread",
        )
        .bind(owner)
        .bind(other)
        .bind(&message.id)
        .bind(unread)
        .execute(&mut **transaction)
        .await
        .map_err(unavailable)?;
    }
    Ok(())
}
