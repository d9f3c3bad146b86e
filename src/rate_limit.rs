//! A token bucket: `rate` tokens per second, holding at most `burst`.
//!
//! Used for the note quota (in the spirit of Multiplayer Piano's NoteQuota), chat limits and the
//! per-connection message limit. Time is passed in rather than read, so the same code runs in
//! the browser (to pre-check the player's own quota) and on the server, and tests need no clock.

#[derive(Clone, Debug, PartialEq)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    /// Time of the last refill, in seconds on the caller's clock.
    updated_at: f64,
}

impl TokenBucket {
    /// A full bucket at time `now` (seconds).
    pub fn new(rate: f64, burst: f64, now: f64) -> Self {
        Self {
            rate,
            burst,
            tokens: burst,
            updated_at: now,
        }
    }

    fn refill(&mut self, now: f64) {
        let elapsed = (now - self.updated_at).max(0.0);
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.updated_at = self.updated_at.max(now);
    }

    /// Takes one token if there is one.
    pub fn try_take(&mut self, now: f64) -> bool {
        self.take_up_to(1, now) == 1
    }

    /// Takes as many of `wanted` tokens as are available and says how many it took.
    pub fn take_up_to(&mut self, wanted: u32, now: f64) -> u32 {
        self.refill(now);
        let granted = (self.tokens.floor() as u32).min(wanted);
        self.tokens -= f64::from(granted);
        granted
    }

    /// Whole tokens available at `now`, without taking any.
    pub fn available(&mut self, now: f64) -> u32 {
        self.refill(now);
        self.tokens.floor() as u32
    }

    /// Whether the bucket would be full at `now`: nothing has been taken that is not back.
    pub fn is_full(&mut self, now: f64) -> bool {
        self.refill(now);
        self.tokens >= self.burst
    }

    /// Seconds until one whole token is available at `now` (zero when one is).
    pub fn wait(&mut self, now: f64) -> f64 {
        self.refill(now);
        if self.tokens >= 1.0 {
            0.0
        } else if self.rate <= 0.0 {
            f64::INFINITY
        } else {
            (1.0 - self.tokens) / self.rate
        }
    }

    pub fn rate(&self) -> f64 {
        self.rate
    }

    pub fn burst(&self) -> f64 {
        self.burst
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_allows_a_burst_then_refuses() {
        let mut bucket = TokenBucket::new(10.0, 3.0, 0.0);
        assert!(bucket.try_take(0.0));
        assert!(bucket.try_take(0.0));
        assert!(bucket.try_take(0.0));
        assert!(!bucket.try_take(0.0));
    }

    #[test]
    fn tokens_come_back_at_the_rate_and_stop_at_the_burst() {
        let mut bucket = TokenBucket::new(10.0, 5.0, 0.0);
        assert_eq!(bucket.take_up_to(5, 0.0), 5);
        assert_eq!(bucket.take_up_to(5, 0.2), 2);
        assert_eq!(bucket.take_up_to(100, 60.0), 5);
    }

    #[test]
    fn partial_grants_report_what_was_taken() {
        let mut bucket = TokenBucket::new(1.0, 4.0, 0.0);
        assert_eq!(bucket.take_up_to(10, 0.0), 4);
        assert_eq!(bucket.take_up_to(10, 0.5), 0);
        assert_eq!(bucket.take_up_to(10, 1.0), 1);
    }

    #[test]
    fn available_peeks_without_taking_and_full_means_nothing_outstanding() {
        let mut bucket = TokenBucket::new(2.0, 4.0, 0.0);
        assert!(bucket.is_full(0.0));
        assert_eq!(bucket.take_up_to(3, 0.0), 3);
        assert_eq!(bucket.available(0.0), 1);
        assert_eq!(bucket.available(0.0), 1);
        assert!(!bucket.is_full(1.0));
        assert!(bucket.is_full(1.5));
    }

    #[test]
    fn wait_says_when_the_next_token_comes() {
        let mut bucket = TokenBucket::new(0.5, 2.0, 0.0);
        assert_eq!(bucket.wait(0.0), 0.0);
        assert_eq!(bucket.take_up_to(2, 0.0), 2);
        assert_eq!(bucket.wait(0.0), 2.0);
        assert_eq!(bucket.wait(1.5), 0.5);
        assert_eq!(bucket.wait(2.0), 0.0);
        assert_eq!(TokenBucket::new(0.0, 0.0, 0.0).wait(9.0), f64::INFINITY);
    }

    #[test]
    fn time_going_backwards_grants_nothing_extra() {
        let mut bucket = TokenBucket::new(100.0, 2.0, 10.0);
        assert_eq!(bucket.take_up_to(2, 10.0), 2);
        assert_eq!(bucket.take_up_to(2, 5.0), 0);
        assert_eq!(bucket.take_up_to(2, 10.0), 0);
    }
}
