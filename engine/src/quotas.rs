//! Quotas that belong to an account rather than to an address: how many sheets one account
//! may create an hour and a day, however many cookies, sessions, tokens or devices it uses.
//!
//! Each window is a token bucket (its limit at once, refilling over the window), kept here
//! per account id; with several instances the same windows are also drawn on in Redis through
//! [`SharedQuotas`] (the cluster crate's `RedisLimits`), so switching instance gains nothing.
//! Alone, [`Solo`] counts nothing more.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use async_trait::async_trait;
use parking_lot::Mutex;
use pianorhythm_core::rate_limit::TokenBucket;

use crate::solo::Solo;

/// One window of a quota: at most `limit` in any `per`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// How many.
    pub limit: u32,
    /// In how long.
    pub per: Duration,
}

/// `SHEET_UPLOADS_PER_HOUR` and `SHEET_UPLOADS_PER_DAY`: sheets one account may create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadQuota {
    /// Sheets an account may create in an hour.
    pub per_hour: u32,
    /// Sheets an account may create in a day.
    pub per_day: u32,
}

impl Default for UploadQuota {
    fn default() -> Self {
        Self {
            per_hour: 30,
            per_day: 200,
        }
    }
}

impl UploadQuota {
    pub fn windows(&self) -> [Window; 2] {
        [
            Window {
                limit: self.per_hour,
                per: Duration::from_secs(3_600),
            },
            Window {
                limit: self.per_day,
                per: Duration::from_secs(86_400),
            },
        ]
    }
}

/// The account has used its quota (sheets, friend requests, messages, mentions); it may try
/// again after `retry_after`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("this account has done that as often as allowed for now; try again in {} s", .retry_after.as_secs())]
pub struct QuotaExceeded {
    /// How long until the next one is allowed, in whole seconds (at least one).
    pub retry_after: Duration,
}

impl QuotaExceeded {
    fn after(seconds: f64) -> Self {
        let seconds = seconds.ceil().clamp(1.0, 366.0 * 86_400.0);
        Self {
            retry_after: Duration::from_secs(seconds as u64),
        }
    }
}

/// `DIRECT_MESSAGES_BURST`, `DIRECT_MESSAGES_PER_DAY`: direct messages one account may send,
/// one a second after the burst.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageQuota {
    /// Messages an account may send at once; one more each second.
    pub burst: u32,
    /// Messages an account may send in a day.
    pub per_day: u32,
}

impl Default for MessageQuota {
    fn default() -> Self {
        Self {
            burst: 5,
            per_day: 500,
        }
    }
}

impl MessageQuota {
    pub fn windows(&self) -> [Window; 2] {
        [
            Window {
                limit: self.burst,
                per: Duration::from_secs(u64::from(self.burst)),
            },
            Window {
                limit: self.per_day,
                per: Duration::from_secs(86_400),
            },
        ]
    }
}

/// The quota's windows counted on every instance.
#[async_trait]
pub trait SharedQuotas: Send + Sync {
    /// Draws one from every window of `account`'s quota `name`, or from none.
    async fn take(
        &self,
        name: &str,
        account: &str,
        windows: &[Window],
    ) -> Result<(), QuotaExceeded>;
}

#[async_trait]
impl SharedQuotas for Solo {
    async fn take(&self, _: &str, _: &str, _: &[Window]) -> Result<(), QuotaExceeded> {
        Ok(())
    }
}

/// Entries kept before the full (unused for a whole window) ones are swept.
const SWEEP_AT: usize = 10_000;

/// One quota (e.g. sheet uploads) per account.
pub struct AccountQuota {
    /// Its name among the shared counts.
    name: &'static str,
    /// Its windows.
    windows: [Window; 2],
    /// What each account has left in each window.
    buckets: Mutex<HashMap<Arc<str>, [TokenBucket; 2]>>,
    /// Monotonic origin of the buckets' clock.
    started: Instant,
    /// The same windows on every instance.
    shared: Arc<dyn SharedQuotas>,
}

impl AccountQuota {
    pub fn new(name: &'static str, windows: [Window; 2], shared: Arc<dyn SharedQuotas>) -> Self {
        Self {
            name,
            windows,
            buckets: Mutex::default(),
            started: Instant::now(),
            shared,
        }
    }

    /// Draws one for `account` at `now` (seconds on this quota's clock) from both windows,
    /// or from neither.
    pub fn take_at(&self, account: &str, now: f64) -> Result<(), QuotaExceeded> {
        let mut buckets = self.buckets.lock();
        if buckets.len() >= SWEEP_AT {
            buckets.retain(|_, windows| !windows.iter_mut().all(|bucket| bucket.is_full(now)));
        }
        let windows = buckets.entry(account.into()).or_insert_with(|| {
            self.windows.map(|window| {
                let limit = f64::from(window.limit);
                TokenBucket::new(limit / window.per.as_secs_f64(), limit, now)
            })
        });
        room_for_one(windows, now)?;
        for bucket in windows.iter_mut() {
            bucket.take_up_to(1, now);
        }
        Ok(())
    }

    /// Whether `account` may have one more at `now`, drawing nothing: a request that would be
    /// refused anyway is refused before it costs anything.
    pub fn check_at(&self, account: &str, now: f64) -> Result<(), QuotaExceeded> {
        match self.buckets.lock().get_mut(account) {
            Some(windows) => room_for_one(windows, now),
            // Never drawn on: every window is full.
            None => Ok(()),
        }
    }

    /// Whether `account` may have one more now, here, drawing nothing.
    pub fn check(&self, account: &str) -> Result<(), QuotaExceeded> {
        self.check_at(account, self.started.elapsed().as_secs_f64())
    }

    /// Draws one for `account` here, then on every instance.
    pub async fn take(&self, account: &str) -> Result<(), QuotaExceeded> {
        self.take_at(account, self.started.elapsed().as_secs_f64())?;
        self.shared.take(self.name, account, &self.windows).await
    }
}

/// Refused, with the longest wait, unless every window has one left at `now`.
fn room_for_one(windows: &mut [TokenBucket; 2], now: f64) -> Result<(), QuotaExceeded> {
    let wait = windows
        .iter_mut()
        .map(|bucket| bucket.wait(now))
        .fold(0.0, f64::max);
    match wait > 0.0 {
        true => Err(QuotaExceeded::after(wait)),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uploads(per_hour: u32, per_day: u32) -> AccountQuota {
        let quota = UploadQuota { per_hour, per_day };
        AccountQuota::new("uploads", quota.windows(), Arc::new(Solo))
    }

    #[test]
    fn the_hourly_window_refuses_with_the_wait_until_the_next_one() {
        let quota = uploads(3, 200);
        for _ in 0..3 {
            quota.take_at("ada", 0.0).unwrap();
        }
        // One comes back every 20 minutes.
        let refused = quota.take_at("ada", 60.0).unwrap_err();
        assert_eq!(refused.retry_after, Duration::from_secs(1_140));
        assert!(quota.take_at("ada", 1_199.0).is_err());
        quota.take_at("ada", 1_200.0).unwrap();
        assert!(quota.take_at("ada", 1_200.0).is_err());
    }

    #[test]
    fn the_daily_window_holds_when_the_hourly_one_has_room() {
        let quota = uploads(30, 4);
        for minute in 0..4 {
            quota.take_at("ada", f64::from(minute) * 60.0).unwrap();
        }
        let refused = quota.take_at("ada", 7_200.0).unwrap_err();
        // A day's window gives one back every six hours, counted from the first.
        assert!(
            refused.retry_after > Duration::from_secs(3_600 * 4),
            "{refused:?}"
        );
        // A refusal drew from neither window.
        assert!(quota.take_at("ada", 21_600.0 + 180.0).is_ok());
    }

    #[test]
    fn a_check_draws_nothing_and_refuses_what_a_take_would() {
        let quota = uploads(2, 200);
        quota.check_at("ada", 0.0).unwrap();
        quota.take_at("ada", 0.0).unwrap();
        for _ in 0..3 {
            quota.check_at("ada", 0.0).unwrap();
        }
        quota.take_at("ada", 0.0).unwrap();
        let checked = quota.check_at("ada", 60.0).unwrap_err();
        assert_eq!(checked, quota.take_at("ada", 60.0).unwrap_err());
        quota.check_at("grace", 60.0).unwrap();
    }

    #[test]
    fn accounts_are_counted_apart() {
        let quota = uploads(1, 1);
        quota.take_at("ada", 0.0).unwrap();
        assert!(quota.take_at("ada", 0.0).is_err());
        quota.take_at("grace", 0.0).unwrap();
    }

    #[test]
    fn a_zero_quota_refuses_everything_with_a_bounded_wait() {
        let quota = uploads(0, 0);
        let refused = quota.take_at("ada", 0.0).unwrap_err();
        assert_eq!(refused.retry_after, Duration::from_secs(366 * 86_400));
    }
}
