//! [`HeavyWork`]: CPU-bound sheet work (reading a source, writing MIDI, serialising a big
//! sheet) run on tokio's blocking threads, never on the async workers that carry every
//! player's WebSocket. A sheet of 50,000 notes takes tens of milliseconds to read or to turn
//! into JSON; done inline, a few at once stall every ping behind them.
//!
//! A semaphore bounds how many run at once, so a crowd of readers queues here (as cheap
//! waiting futures) instead of taking every core, and every blocking thread, from the rest of
//! the server.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::service_error::ServiceError;

/// Runs CPU-bound work off the async workers, a bounded number at once.
#[derive(Clone)]
pub struct HeavyWork {
    /// One permit per piece of work allowed to run at once.
    permits: Arc<Semaphore>,
}

impl HeavyWork {
    /// At most `at_once` pieces of work running together.
    pub fn new(at_once: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(at_once.max(1))),
        }
    }

    /// Sized for this machine by [`at_once_for`].
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |cores| cores.get());
        Self::new(at_once_for(cores))
    }

    /// Runs `work` on a blocking thread once a permit is free. The permit goes with the work,
    /// so a request given up meanwhile still counts until its work ends.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, ServiceError> {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ServiceError::unavailable("the server is shutting down"))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work()
        })
        .await
        .map_err(|error| ServiceError::unavailable(format_args!("sheet work failed: {error}")))
    }
}

/// How many pieces of heavy work run at once on `cores` cores: one core is left to the async
/// workers (and so to the real-time path), but there is always at least one.
pub fn at_once_for(cores: usize) -> usize {
    cores.saturating_sub(1).max(1)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn one_core_is_left_to_the_async_workers() {
        assert_eq!(at_once_for(0), 1);
        assert_eq!(at_once_for(1), 1);
        assert_eq!(at_once_for(2), 1);
        assert_eq!(at_once_for(8), 7);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_the_permits_run_at_once() {
        let heavy = HeavyWork::new(2);
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (heavy, running, most) = (heavy.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    heavy
                        .run(move || {
                            use std::sync::atomic::Ordering::SeqCst;
                            let now = running.fetch_add(1, SeqCst) + 1;
                            most.fetch_max(now, SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            running.fetch_sub(1, SeqCst);
                        })
                        .await
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        let most = most.load(std::sync::atomic::Ordering::SeqCst);
        assert!((1..=2).contains(&most), "{most} ran at once");
    }
}
