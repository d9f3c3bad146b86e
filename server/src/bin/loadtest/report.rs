//! The one JSON line on stdout. Field names and order are the contract scripts and people read;
//! figures that could not be measured are `null`, never a misleading zero.

use serde::Serialize;

use crate::{cli::Args, idle::IdleResult, load::Measurement};

#[derive(Serialize, Debug, Default)]
pub struct Report {
    pub players: u32,
    pub senders: u32,
    pub rate: f64,
    pub duration_s: f64,
    pub rooms: u32,
    /// "server" or "baseline": what the main figures describe.
    pub target: &'static str,
    /// Notes the senders played in the window (rate × duration × senders when keeping up).
    pub notes_sent: u64,
    pub expected: u64,
    pub delivered: u64,
    pub delivery_ratio: Option<f64>,
    pub deliveries_per_sec: f64,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    pub server_cpu_s: Option<f64>,
    pub server_us_per_delivery: Option<f64>,
    pub server_rss_mb: Option<f64>,
    pub baseline_deliveries_per_sec: Option<f64>,
    pub ratio_to_baseline: Option<f64>,
    pub loader_cpu_s: Option<f64>,
    /// Bots whose connection ended during the test (dropped as slow, kicked, …).
    pub disconnected_bots: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_delivery_ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_p50_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_p99_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_cpu_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_us_per_delivery: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_connections: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_kb_per_connection: Option<f64>,
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
    let delivered = measurement.snapshot.delivered;
    measurement
        .target_cpu_s
        .filter(|_| delivered > 0)
        .map(|cpu| round(cpu * 1e6 / delivered as f64, 3))
}

impl Report {
    fn from_args(args: &Args) -> Self {
        Report {
            players: args.players,
            senders: args.senders,
            rate: args.rate,
            duration_s: args.duration,
            rooms: args.rooms,
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
