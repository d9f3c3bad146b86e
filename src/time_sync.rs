//! Clock synchronisation with the server, NTP style.
//!
//! One exchange gives four timestamps: the client's send time `t0`, the server's receive and send
//! times `t1`/`t2`, and the client's receive time `t3`. Assuming the network delay is the same
//! both ways, the server clock is ahead of the client's by `((t1 - t0) + (t2 - t3)) / 2`, and
//! the round trip without the server's own processing is `(t3 - t0) - (t2 - t1)`. Any asymmetry
//! shows up as error of at most half the round trip, so the sample with the smallest round trip
//! among recent ones is the most trustworthy: that is the one [`ClockSync`] reports.

use std::collections::VecDeque;

/// One completed ping/pong exchange, all times in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SyncSample {
    pub client_send: f64,
    pub server_receive: f64,
    pub server_send: f64,
    pub client_receive: f64,
}

impl SyncSample {
    /// How far the server clock is ahead of the client clock.
    pub fn offset(&self) -> f64 {
        ((self.server_receive - self.client_send) + (self.server_send - self.client_receive)) / 2.0
    }

    /// Network round-trip time, excluding the time the server held the ping.
    pub fn round_trip(&self) -> f64 {
        (self.client_receive - self.client_send) - (self.server_send - self.server_receive)
    }
}

/// Keeps the last few samples and estimates the offset from the one with the lowest round trip.
#[derive(Clone, Debug)]
pub struct ClockSync {
    samples: VecDeque<SyncSample>,
    capacity: usize,
}

impl Default for ClockSync {
    /// Sixteen exchanges: at a ping a second, the best of the last sixteen seconds.
    fn default() -> Self {
        Self::with_capacity(16)
    }
}

impl ClockSync {
    pub fn with_capacity(capacity: usize) -> Self {
        assert!(capacity > 0, "a clock filter needs room for one sample");
        Self {
            samples: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    /// Records an exchange; samples with a negative or undefined round trip (a clock step, a
    /// NaN from a bad timestamp) are ignored.
    pub fn add(&mut self, sample: SyncSample) {
        let plausible = sample.round_trip() >= 0.0;
        if !plausible {
            return;
        }
        if self.samples.len() == self.capacity {
            self.samples.pop_front();
        }
        self.samples.push_back(sample);
    }

    fn best(&self) -> Option<&SyncSample> {
        self.samples
            .iter()
            .min_by(|a, b| a.round_trip().total_cmp(&b.round_trip()))
    }

    /// Estimated server-minus-client offset in ms, once at least one sample exists.
    pub fn offset(&self) -> Option<f64> {
        self.best().map(SyncSample::offset)
    }

    /// Round trip of the most recent exchange, the figure to show the player as "ping".
    pub fn latest_round_trip(&self) -> Option<f64> {
        self.samples.back().map(SyncSample::round_trip)
    }

    /// Converts a client-clock time to server time with the current estimate.
    pub fn to_server_time(&self, client_time: f64) -> Option<f64> {
        self.offset().map(|offset| client_time + offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds the sample a client would see if the server clock is `offset` ahead, the trip out
    /// takes `up` ms, the server holds the ping `hold` ms and the trip back takes `down` ms.
    fn exchange(start: f64, offset: f64, up: f64, hold: f64, down: f64) -> SyncSample {
        let server_receive = start + up + offset;
        let server_send = server_receive + hold;
        SyncSample {
            client_send: start,
            server_receive,
            server_send,
            client_receive: server_send - offset + down,
        }
    }

    #[test]
    fn symmetric_delay_gives_exact_offset_and_round_trip() {
        let sample = exchange(1000.0, 250.0, 5.0, 3.0, 5.0);
        assert_eq!(sample.offset(), 250.0);
        assert_eq!(sample.round_trip(), 10.0);
    }

    #[test]
    fn server_processing_time_is_not_counted_as_network() {
        let sample = exchange(0.0, -40.0, 2.0, 100.0, 2.0);
        assert_eq!(sample.round_trip(), 4.0);
        assert_eq!(sample.offset(), -40.0);
    }

    #[test]
    fn the_lowest_round_trip_sample_wins() {
        let mut sync = ClockSync::default();
        sync.add(exchange(0.0, 100.0, 50.0, 0.0, 2.0)); // asymmetric: offset error 24 ms
        sync.add(exchange(10.0, 100.0, 1.0, 0.0, 1.0)); // clean
        sync.add(exchange(20.0, 100.0, 2.0, 0.0, 30.0)); // asymmetric the other way
        assert_eq!(sync.offset(), Some(100.0));
        assert_eq!(sync.to_server_time(5.0), Some(105.0));
        assert_eq!(sync.latest_round_trip(), Some(32.0));
    }

    #[test]
    fn old_samples_leave_the_window() {
        let mut sync = ClockSync::with_capacity(2);
        sync.add(exchange(0.0, 7.0, 0.5, 0.0, 0.5)); // best, but will be pushed out
        sync.add(exchange(1.0, 9.0, 3.0, 0.0, 3.0));
        sync.add(exchange(2.0, 9.0, 4.0, 0.0, 4.0));
        assert_eq!(sync.offset(), Some(9.0));
    }

    #[test]
    fn impossible_samples_are_ignored() {
        let mut sync = ClockSync::default();
        assert_eq!(sync.offset(), None);
        sync.add(SyncSample {
            client_send: 10.0,
            server_receive: 0.0,
            server_send: 50.0,
            client_receive: 11.0,
        });
        assert_eq!(sync.offset(), None);
    }
}
