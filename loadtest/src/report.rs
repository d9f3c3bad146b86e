//! The one JSON line on stdout. Field names and order are the contract scripts and people read;
//! figures that could not be measured are `null`, never a misleading zero. The top-level
//! figures describe one instance (or the baseline with `--baseline-only`); with `--instances`
//! above 1, `single`, `split` and `mixed` hold each shape's figures and `hop_p99_added_ms`
//! what crossing instances adds to the p99. The same shapes go to stderr as a small table.

use std::fmt::Write as _;

use serde::Serialize;

use crate::{cli::Args, idle::IdleResult, load::Measurement, plan::Shape, wire::Target};

#[derive(Serialize, Debug, Default)]
pub struct Report {
    /// Bots connected in total.
    pub players: u32,
    /// Bots that play notes.
    pub senders: u32,
    /// Notes per second each sender plays.
    pub rate: f64,
    /// Length of each measurement window.
    pub duration_s: f64,
    /// Rooms the bots are spread over.
    pub rooms: u32,
    /// `--music`: chords, runs, releases and pedal instead of lone note-ons.
    pub music: bool,
    /// "server" or "baseline": what the main figures describe.
    pub target: &'static str,
    /// Notes the senders played in the window (rate × duration × senders when keeping up).
    pub notes_sent: u64,
    /// Deliveries those notes should have made (each note to every other bot in its room).
    pub expected: u64,
    /// Deliveries that arrived in time.
    pub delivered: u64,
    /// delivered / expected.
    pub delivery_ratio: Option<f64>,
    /// Deliveries per second of the window.
    pub deliveries_per_sec: f64,
    /// Median latency, sender to listener.
    pub p50_ms: Option<f64>,
    /// 99th percentile latency.
    pub p99_ms: Option<f64>,
    /// Largest latency.
    pub max_ms: Option<f64>,
    /// CPU the server used over the window and draining.
    pub server_cpu_s: Option<f64>,
    /// That CPU divided by the deliveries.
    pub server_us_per_delivery: Option<f64>,
    /// The server's resident memory at the end.
    pub server_rss_mb: Option<f64>,
    /// The minimal relay's deliveries per second (`--baseline`).
    pub baseline_deliveries_per_sec: Option<f64>,
    /// Ours divided by the relay's.
    pub ratio_to_baseline: Option<f64>,
    /// CPU the loader used over the window and draining.
    pub loader_cpu_s: Option<f64>,
    /// Bots whose connection ended during the test (dropped as slow, kicked, …).
    pub disconnected_bots: u64,
    /// The relay's delivered / expected.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_delivery_ratio: Option<f64>,
    /// The relay's median latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_p50_ms: Option<f64>,
    /// The relay's 99th percentile latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_p99_ms: Option<f64>,
    /// The relay's CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_cpu_s: Option<f64>,
    /// The relay's CPU per delivery.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_us_per_delivery: Option<f64>,
    /// Idle connections opened (`--idle-connections`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_connections: Option<u32>,
    /// Server memory per idle connection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_kb_per_connection: Option<f64>,
    /// `--instances`, when above 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instances: Option<u32>,
    /// One instance, no bus: the reference (the same run as the top-level figures).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub single: Option<ShapeReport>,
    /// Senders on the first instance, listeners on the others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<ShapeReport>,
    /// Players alternating between instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mixed: Option<ShapeReport>,
    /// split's p99 minus single's: the latency the hop between instances adds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hop_p99_added_ms: Option<f64>,
}

/// One shape's figures, with `--instances` above 1.
#[derive(Serialize, Debug, Clone)]
pub struct ShapeReport {
    /// Server processes the bots were spread over.
    pub instances: u32,
    /// Deliveries the notes should have made.
    pub expected: u64,
    /// Deliveries that arrived in time.
    pub delivered: u64,
    /// delivered / expected: below 1 means loss.
    pub delivery_ratio: Option<f64>,
    /// Deliveries per second of the window.
    pub deliveries_per_sec: f64,
    /// Median latency, sender to listener.
    pub p50_ms: Option<f64>,
    /// 99th percentile latency.
    pub p99_ms: Option<f64>,
    /// Largest latency.
    pub max_ms: Option<f64>,
    /// This p99 minus single's (`null` for single itself).
    pub p99_added_ms: Option<f64>,
    /// Of the expected deliveries, the share to a listener on another instance than the
    /// sender's: those that cross the bus.
    pub crossing_share: Option<f64>,
    /// delivered / expected for those crossing deliveries alone.
    pub crossing_delivery_ratio: Option<f64>,
    /// Median latency of the crossing deliveries.
    pub crossing_p50_ms: Option<f64>,
    /// 99th percentile latency of the crossing deliveries.
    pub crossing_p99_ms: Option<f64>,
    /// CPU of all server processes together over the window and draining.
    pub server_cpu_s: Option<f64>,
    /// That CPU divided by the deliveries.
    pub server_us_per_delivery: Option<f64>,
    /// Resident memory of all server processes together at the end.
    pub server_rss_mb: Option<f64>,
    /// CPU of the `redis-server` over the same span (`null` for single: no bus).
    pub redis_cpu_s: Option<f64>,
    /// That CPU divided by the deliveries.
    pub redis_us_per_delivery: Option<f64>,
    /// CPU the loader used.
    pub loader_cpu_s: Option<f64>,
    /// Bots whose connection ended during the test.
    pub disconnected_bots: u64,
}

/// Rounds for readability; the measurements are nowhere near this precise anyway.
fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

fn ratio(numerator: f64, denominator: f64) -> Option<f64> {
    (denominator > 0.0).then(|| round(numerator / denominator, 4))
}

fn us_per_delivery(measurement: &Measurement) -> Option<f64> {
    per_delivery(measurement.target_cpu_s, measurement)
}

/// `cpu_s` in microseconds per delivery of `measurement`.
fn per_delivery(cpu_s: Option<f64>, measurement: &Measurement) -> Option<f64> {
    let delivered = measurement.snapshot.delivered;
    cpu_s
        .filter(|_| delivered > 0)
        .map(|cpu| round(cpu * 1e6 / delivered as f64, 3))
}

fn ms(value: Option<f64>) -> Option<f64> {
    value.map(|ms| round(ms, 3))
}

impl ShapeReport {
    /// The figures of one shape; `single_p99_ms` is the reference's p99, if measured.
    pub fn new(measurement: &Measurement, single_p99_ms: Option<f64>) -> Self {
        let snapshot = &measurement.snapshot;
        let crossing = measurement.shape != Shape::Single;
        ShapeReport {
            instances: measurement.instances,
            expected: snapshot.expected,
            delivered: snapshot.delivered,
            delivery_ratio: ratio(snapshot.delivered as f64, snapshot.expected as f64),
            deliveries_per_sec: round(measurement.deliveries_per_sec(), 1),
            p50_ms: ms(snapshot.p50_ms),
            p99_ms: ms(snapshot.p99_ms),
            max_ms: ms(snapshot.max_ms),
            p99_added_ms: snapshot
                .p99_ms
                .zip(single_p99_ms)
                .filter(|_| crossing)
                .map(|(p99, single)| round(p99 - single, 3)),
            crossing_share: ratio(snapshot.crossing_expected as f64, snapshot.expected as f64),
            crossing_delivery_ratio: ratio(
                snapshot.crossing_delivered as f64,
                snapshot.crossing_expected as f64,
            ),
            crossing_p50_ms: ms(snapshot.crossing_p50_ms),
            crossing_p99_ms: ms(snapshot.crossing_p99_ms),
            server_cpu_s: measurement.target_cpu_s.map(|cpu| round(cpu, 3)),
            server_us_per_delivery: us_per_delivery(measurement),
            server_rss_mb: measurement.target_rss_mb.map(|mb| round(mb, 1)),
            redis_cpu_s: measurement.redis_cpu_s.map(|cpu| round(cpu, 3)),
            redis_us_per_delivery: per_delivery(measurement.redis_cpu_s, measurement),
            loader_cpu_s: measurement.loader_cpu_s.map(|cpu| round(cpu, 3)),
            disconnected_bots: snapshot.disconnected,
        }
    }
}

impl Report {
    fn from_args(args: &Args) -> Self {
        Report {
            players: args.players,
            senders: args.senders,
            rate: args.rate,
            duration_s: args.duration,
            rooms: args.rooms,
            music: args.music,
            ..Default::default()
        }
    }

    /// The main figures from one measurement, with the baseline's when one was run.
    pub fn load(args: &Args, main: &Measurement, baseline: Option<&Measurement>) -> Self {
        let snapshot = &main.snapshot;
        let mut report = Report {
            target: main.target.label(),
            notes_sent: snapshot.notes_sent,
            expected: snapshot.expected,
            delivered: snapshot.delivered,
            delivery_ratio: ratio(snapshot.delivered as f64, snapshot.expected as f64),
            deliveries_per_sec: round(main.deliveries_per_sec(), 1),
            p50_ms: snapshot.p50_ms.map(|ms| round(ms, 3)),
            p99_ms: snapshot.p99_ms.map(|ms| round(ms, 3)),
            max_ms: snapshot.max_ms.map(|ms| round(ms, 3)),
            server_cpu_s: main.target_cpu_s.map(|cpu| round(cpu, 3)),
            server_us_per_delivery: us_per_delivery(main),
            server_rss_mb: main.target_rss_mb.map(|mb| round(mb, 1)),
            loader_cpu_s: main.loader_cpu_s.map(|cpu| round(cpu, 3)),
            disconnected_bots: snapshot.disconnected,
            ..Report::from_args(args)
        };
        if let Some(baseline) = baseline {
            let figures = &baseline.snapshot;
            report.baseline_deliveries_per_sec = Some(round(baseline.deliveries_per_sec(), 1));
            report.ratio_to_baseline =
                ratio(main.deliveries_per_sec(), baseline.deliveries_per_sec());
            report.baseline_delivery_ratio =
                ratio(figures.delivered as f64, figures.expected as f64);
            report.baseline_p50_ms = figures.p50_ms.map(|ms| round(ms, 3));
            report.baseline_p99_ms = figures.p99_ms.map(|ms| round(ms, 3));
            report.baseline_cpu_s = baseline.target_cpu_s.map(|cpu| round(cpu, 3));
            report.baseline_us_per_delivery = us_per_delivery(baseline);
        }
        report
    }

    /// Adds the shapes measured across instances next to `single`, the reference.
    pub fn with_shapes(mut self, single: &Measurement, others: &[Measurement]) -> Self {
        let reference = single.snapshot.p99_ms;
        self.instances = others.first().map(|shape| shape.instances);
        self.single = Some(ShapeReport::new(single, reference));
        for measurement in others {
            let shape = Some(ShapeReport::new(measurement, reference));
            match measurement.shape {
                Shape::Split => self.split = shape,
                Shape::Mixed => self.mixed = shape,
                Shape::Single => {}
            }
        }
        self.hop_p99_added_ms = self.split.as_ref().and_then(|split| split.p99_added_ms);
        self
    }

    /// Idle mode: no notes, only the memory per connection.
    /// Player, sender and rate fields are zero: no note load runs in this mode.
    pub fn idle(idle: &IdleResult) -> Self {
        Report {
            target: "server",
            server_rss_mb: idle.rss_mb_after.map(|mb| round(mb, 1)),
            idle_connections: Some(idle.connections),
            idle_kb_per_connection: idle.kb_per_connection.map(|kb| round(kb, 2)),
            ..Default::default()
        }
    }
}

/// `value` with `decimals` decimals, or "-" when it was not measured.
fn cell(value: Option<f64>, decimals: usize) -> String {
    value.map_or_else(|| "-".to_owned(), |value| format!("{value:.decimals$}"))
}

/// The shapes as a small table for people (stderr), one line per measurement.
pub fn table(measurements: &[Measurement]) -> String {
    let reference = measurements
        .iter()
        .find(|measurement| {
            measurement.target == Target::Server && measurement.shape == Shape::Single
        })
        .and_then(|single| single.snapshot.p99_ms);
    let mut table = format!(
        "{:<8} {:>4} {:>12} {:>24} {:>7} {:>7} {:>8} {:>9} {:>9} {:>9}\n",
        "shape",
        "inst",
        "deliveries/s",
        "delivered/expected",
        "p50 ms",
        "p99 ms",
        "+p99 ms",
        "cross p99",
        "server µs",
        "redis µs"
    );
    for measurement in measurements {
        let shape = ShapeReport::new(measurement, reference);
        let delivered = format!(
            "{}/{} ({}%)",
            shape.delivered,
            shape.expected,
            cell(shape.delivery_ratio.map(|ratio| ratio * 100.0), 2)
        );
        let _ = writeln!(
            table,
            "{:<8} {:>4} {:>12.1} {:>24} {:>7} {:>7} {:>8} {:>9} {:>9} {:>9}",
            Measurement::label(measurement.target, measurement.shape),
            shape.instances,
            shape.deliveries_per_sec,
            delivered,
            cell(shape.p50_ms, 3),
            cell(shape.p99_ms, 3),
            cell(shape.p99_added_ms, 3),
            cell(shape.crossing_p99_ms, 3),
            cell(shape.server_us_per_delivery, 2),
            cell(shape.redis_us_per_delivery, 2),
        );
    }
    table.push_str("(server and redis µs: CPU per delivery; +p99: p99 minus single's)");
    table
}
