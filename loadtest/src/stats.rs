//! What the bots count. All bots run on one thread (a `LocalSet`), so plain `Cell`s and shared
//! histograms are enough: no atomics, no per-message locking, no merging.

use std::cell::{Cell, RefCell};

use hdrhistogram::Histogram;

/// Latencies above this are clamped (a minute is far beyond anything meaningful here).
const MAX_LATENCY_US: u64 = 60_000_000;

pub struct Stats {
    /// Counting is on from the window's start until draining ends; notes outside are ignored.
    counting: Cell<bool>,
    /// Loader-clock start of the window; only notes stamped inside it count as delivered.
    window_start_ms: Cell<f64>,
    /// Loader-clock end of the window.
    window_end_ms: Cell<f64>,
    /// Notes the senders played inside the window.
    pub notes_sent: Cell<u64>,
    /// Sum over sent notes of the listeners each should reach.
    pub expected: Cell<u64>,
    /// Notes stamped inside the window that reached a listener.
    pub delivered: Cell<u64>,
    /// Of `expected`, deliveries to listeners on another instance than the sender's.
    pub crossing_expected: Cell<u64>,
    /// Of `delivered`, those that reached a listener on another instance than the sender's.
    pub crossing_delivered: Cell<u64>,
    /// Bots whose connection ended before the test did (kicked, dropped as too slow, …).
    pub disconnected: Cell<u64>,
    /// Latency of every delivery.
    latency_us: RefCell<Histogram<u64>>,
    /// Latency of the deliveries that crossed between instances.
    crossing_latency_us: RefCell<Histogram<u64>>,
}

/// A frozen copy taken when counting stops.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Notes the senders played inside the window.
    pub notes_sent: u64,
    /// Deliveries those notes should have made.
    pub expected: u64,
    /// Deliveries that arrived before counting stopped.
    pub delivered: u64,
    /// Expected deliveries to listeners on another instance than the sender's.
    pub crossing_expected: u64,
    /// Of those, the ones that arrived.
    pub crossing_delivered: u64,
    /// Bots whose connection ended during the test.
    pub disconnected: u64,
    /// Median latency of all deliveries.
    pub p50_ms: Option<f64>,
    /// 99th percentile latency of all deliveries.
    pub p99_ms: Option<f64>,
    /// Largest latency seen.
    pub max_ms: Option<f64>,
    /// Median latency of the deliveries that crossed between instances.
    pub crossing_p50_ms: Option<f64>,
    /// 99th percentile latency of the deliveries that crossed between instances.
    pub crossing_p99_ms: Option<f64>,
}

fn histogram() -> RefCell<Histogram<u64>> {
    RefCell::new(Histogram::new_with_bounds(1, MAX_LATENCY_US, 3).expect("valid histogram bounds"))
}

/// The latency at quantile `q` in milliseconds, if anything was recorded.
fn quantile_ms(histogram: &Histogram<u64>, q: f64) -> Option<f64> {
    (!histogram.is_empty()).then(|| histogram.value_at_quantile(q) as f64 / 1e3)
}

fn add(counter: &Cell<u64>, amount: u64) {
    counter.set(counter.get() + amount);
}

impl Stats {
    pub fn new() -> Self {
        Stats {
            counting: Cell::new(false),
            window_start_ms: Cell::new(f64::INFINITY),
            window_end_ms: Cell::new(f64::INFINITY),
            notes_sent: Cell::new(0),
            expected: Cell::new(0),
            delivered: Cell::new(0),
            crossing_expected: Cell::new(0),
            crossing_delivered: Cell::new(0),
            disconnected: Cell::new(0),
            latency_us: histogram(),
            crossing_latency_us: histogram(),
        }
    }

    pub fn open_window(&self, start_ms: f64, end_ms: f64) {
        self.window_start_ms.set(start_ms);
        self.window_end_ms.set(end_ms);
        self.counting.set(true);
    }

    pub fn counting(&self) -> bool {
        self.counting.get()
    }

    /// A sender played `notes` notes (at once) that `fanout` listeners should each receive,
    /// `crossing` of them on other instances.
    pub fn notes_sent(&self, notes: u64, fanout: u64, crossing: u64) {
        if self.counting.get() {
            add(&self.notes_sent, notes);
            add(&self.expected, notes * fanout);
            add(&self.crossing_expected, notes * crossing);
        }
    }

    /// A listener received `notes` notes stamped `sent_ms`, at loader time `now_ms`; `crossed`
    /// when their sender is on another instance.
    pub fn notes_received(&self, notes: u64, sent_ms: f64, now_ms: f64, crossed: bool) {
        if notes == 0
            || !self.counting.get()
            || sent_ms < self.window_start_ms.get()
            || sent_ms > self.window_end_ms.get()
        {
            return;
        }
        let latency_us = ((now_ms - sent_ms) * 1e3).max(1.0) as u64;
        add(&self.delivered, notes);
        self.latency_us
            .borrow_mut()
            .saturating_record_n(latency_us, notes);
        if crossed {
            add(&self.crossing_delivered, notes);
            self.crossing_latency_us
                .borrow_mut()
                .saturating_record_n(latency_us, notes);
        }
    }

    pub fn bot_disconnected(&self) {
        add(&self.disconnected, 1);
    }

    /// Stops counting and freezes the figures; later arrivals are stragglers and not counted.
    pub fn close_window(&self) -> Snapshot {
        self.counting.set(false);
        let all = self.latency_us.borrow();
        let crossing = self.crossing_latency_us.borrow();
        Snapshot {
            notes_sent: self.notes_sent.get(),
            expected: self.expected.get(),
            delivered: self.delivered.get(),
            crossing_expected: self.crossing_expected.get(),
            crossing_delivered: self.crossing_delivered.get(),
            disconnected: self.disconnected.get(),
            p50_ms: quantile_ms(&all, 0.5),
            p99_ms: quantile_ms(&all, 0.99),
            max_ms: (!all.is_empty()).then(|| all.max() as f64 / 1e3),
            crossing_p50_ms: quantile_ms(&crossing, 0.5),
            crossing_p99_ms: quantile_ms(&crossing, 0.99),
        }
    }
}
