//! Requests answered in groups by one task: whatever arrives while a group is being answered
//! waits for the next, so a crowd asking at once costs one round trip to SQLite's worker
//! thread per group instead of one each. On a busy machine the round trip (a hand-off to
//! another thread and back), not the statement, is most of a small request's time.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};

use crate::{StoreError, StoreResult};

/// Requests that may wait for the task; more wait to be queued.
const QUEUE: usize = 1024;

/// What answers a group of requests, and what it keeps between groups (its connection).
pub(super) trait Answerer: Send + 'static {
    type Ask: Send + 'static;
    type Answer: Send + 'static;
    /// The most requests answered together.
    const MOST_AT_ONCE: usize;

    /// Answers each request of `group`.
    fn answer(
        &mut self,
        group: Vec<Waiting<Self::Ask, Self::Answer>>,
    ) -> impl Future<Output = ()> + Send;
}

/// A request waiting for its group, and who waits for it.
pub(super) struct Waiting<Ask, Answer> {
    /// What is asked.
    pub ask: Ask,
    /// Told the answer, or why there is none.
    pub answer: oneshot::Sender<StoreResult<Answer>>,
}

impl<Ask, Answer> Waiting<Ask, Answer> {
    pub fn reply(self, answer: StoreResult<Answer>) {
        // The asker may have given up waiting: nobody to tell.
        let _ = self.answer.send(answer);
    }
}

/// Queues requests for the task that answers them.
pub(super) struct Grouped<A: Answerer> {
    /// Where requests wait for the task.
    queue: mpsc::Sender<Waiting<A::Ask, A::Answer>>,
}

impl<A: Answerer> Clone for Grouped<A> {
    fn clone(&self) -> Self {
        Self {
            queue: self.queue.clone(),
        }
    }
}

impl<A: Answerer> std::fmt::Debug for Grouped<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Grouped").finish_non_exhaustive()
    }
}

impl<A: Answerer> Grouped<A> {
    /// Starts the task that answers with `answerer`; it ends when the last handle is dropped.
    pub fn start(mut answerer: A) -> Self {
        let (queue, mut arrivals) = mpsc::channel(QUEUE);
        tokio::spawn(async move {
            let mut group = Vec::with_capacity(A::MOST_AT_ONCE);
            while arrivals.recv_many(&mut group, A::MOST_AT_ONCE).await > 0 {
                answerer.answer(std::mem::take(&mut group)).await;
            }
        });
        Self { queue }
    }

    /// Asks, and waits for the answer of the group the request joins.
    pub async fn ask(&self, ask: A::Ask) -> StoreResult<A::Answer> {
        let (answer, answered) = oneshot::channel();
        let stopped = || StoreError::Unavailable("the store's grouping task has stopped".into());
        let waiting = Waiting { ask, answer };
        self.queue.send(waiting).await.map_err(|_| stopped())?;
        answered.await.map_err(|_| stopped())?
    }
}
