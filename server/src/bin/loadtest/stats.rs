//! What the bots count. All bots run on one thread (a `LocalSet`), so plain `Cell`s and one
//! shared histogram are enough: no atomics, no per-message locking, no merging.

use std::cell::{Cell, RefCell};

use hdrhistogram::Histogram;

/// Latencies above this are clamped (a minute is far beyond anything meaningful here).
const MAX_LATENCY_US: u64 = 60_000_000;

pub struct Stats {
    /// Counting is on from the window's start until draining ends; notes outside are ignored.
    counting: Cell<bool>,
    /// Loader-clock bounds of the window; only notes stamped inside it count as delivered.
    window_start_ms: Cell<f64>,
    window_end_ms: Cell<f64>,
    pub notes_sent: Cell<u64>,
    /// Sum over sent notes of the listeners each should reach.
    pub expected: Cell<u64>,
    pub delivered: Cell<u64>,
    /// Bots whose connection ended before the test did (kicked, dropped as too slow, …).
    pub disconnected: Cell<u64>,
    latency_us: RefCell<Histogram<u64>>,
}

/// A frozen copy taken when counting stops.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub notes_sent: u64,
    pub expected: u64,
    pub delivered: u64,
    pub disconnected: u64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
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
            disconnected: Cell::new(0),
            latency_us: RefCell::new(
                Histogram::new_with_bounds(1, MAX_LATENCY_US, 3).expect("valid histogram bounds"),
            ),
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

    /// A sender played a note that `fanout` listeners should receive.
    pub fn note_sent(&self, fanout: u64) {
        if self.counting.get() {
            self.notes_sent.set(self.notes_sent.get() + 1);
            self.expected.set(self.expected.get() + fanout);
        }
    }

    /// A listener received a note stamped `sent_ms`, at loader time `now_ms`.
    pub fn note_received(&self, sent_ms: f64, now_ms: f64) {
        if !self.counting.get()
            || sent_ms < self.window_start_ms.get()
            || sent_ms > self.window_end_ms.get()
        {
            return;
        }
        self.delivered.set(self.delivered.get() + 1);
        let latency_us = ((now_ms - sent_ms) * 1e3).max(1.0) as u64;
        self.latency_us.borrow_mut().saturating_record(latency_us);
    }

    pub fn bot_disconnected(&self) {
        self.disconnected.set(self.disconnected.get() + 1);
    }

    /// Stops counting and freezes the figures; later arrivals are stragglers and not counted.
    pub fn close_window(&self) -> Snapshot {
        self.counting.set(false);
        let histogram = self.latency_us.borrow();
        let quantile_ms =
            |q: f64| (!histogram.is_empty()).then(|| histogram.value_at_quantile(q) as f64 / 1e3);
        Snapshot {
            notes_sent: self.notes_sent.get(),
            expected: self.expected.get(),
            delivered: self.delivered.get(),
            disconnected: self.disconnected.get(),
            p50_ms: quantile_ms(0.5),
            p99_ms: quantile_ms(0.99),
            max_ms: (!histogram.is_empty()).then(|| histogram.max() as f64 / 1e3),
        }
    }
}
