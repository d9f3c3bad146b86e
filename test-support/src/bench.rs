//! What the benchmarks share: latencies sampled one after another into a histogram.

use std::{future::Future, time::Instant};

use hdrhistogram::Histogram;

/// Runs `operation` `samples` times, one after another, and records each latency in µs.
pub async fn measure<F, T>(samples: usize, mut operation: impl FnMut(usize) -> F) -> Histogram<u64>
where
    F: Future<Output = T>,
{
    let mut histogram = Histogram::new(3).unwrap();
    for i in 0..samples {
        let started = Instant::now();
        std::hint::black_box(operation(i).await);
        histogram
            .record(started.elapsed().as_micros() as u64)
            .unwrap();
    }
    histogram
}
