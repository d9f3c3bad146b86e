//! One measurement: put every bot in its room, open the window, let the senders play for the
//! duration, wait briefly for stragglers, and collect the figures (ours and the target's).

use std::{rc::Rc, time::Duration};

use pianorhythm_core::rooms::MAX_PLAYERS_LIMIT;
use tokio::{
    sync::{mpsc, watch, Semaphore},
    task::JoinHandle,
    time::{self, Instant},
};

use crate::{
    bot::{self, Entry, Phase, Playing},
    cli::Args,
    clock,
    plan::{Plan, Schedule},
    procfs::{self, Pid},
    stats::{Snapshot, Stats},
    wire::Target,
};

/// After the last join, time for join broadcasts to settle so they are not measured.
const SETTLE: Duration = Duration::from_millis(500);
/// How long after the senders stop a late note still counts.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// The result of one measurement.
#[derive(Clone, Debug)]
pub struct Measurement {
    pub target: Target,
    pub snapshot: Snapshot,
    pub duration_s: f64,
    /// CPU of the process under test from the window's start to the end of draining.
    pub target_cpu_s: Option<f64>,
    pub target_rss_mb: Option<f64>,
    pub loader_cpu_s: Option<f64>,
}

impl Measurement {
    pub fn deliveries_per_sec(&self) -> f64 {
        self.snapshot.delivered as f64 / self.duration_s
    }
}

/// Runs the load described by `args` against the target at `base` (`ws://host:port`);
/// `pid` is the target's process, for CPU and memory.
pub async fn measure(
    args: &Args,
    target: Target,
    base: &str,
    pid: Option<u32>,
) -> Result<Measurement, String> {
    let plan = Plan::new(args.players, args.senders, args.rooms);
    let stats = Rc::new(Stats::new());
    let (phase_tx, phase_rx) = watch::channel(Phase::Waiting);
    let mut tasks = Vec::with_capacity(plan.bots.len());

    // Creators first: nobody can join a room before it exists.
    let (creators, joiners): (Vec<_>, Vec<_>) =
        plan.bots.iter().cloned().partition(|bot| bot.creates_room);
    for (label, group) in [("room creators", creators), ("bots", joiners)] {
        if group.is_empty() {
            continue;
        }
        let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<Result<(), String>>();
        let permits = Rc::new(Semaphore::new(args.connect_concurrency));
        let count = group.len();
        for bot_plan in group {
            let room = &plan.rooms[bot_plan.room];
            let entry = if bot_plan.creates_room {
                Entry::Create {
                    room: room.name.clone(),
                    max_players: MAX_PLAYERS_LIMIT,
                    note_rate: args.effective_room_note_rate(),
                }
            } else {
                Entry::Join(room.name.clone())
            };
            let playing = bot_plan.sender_slot.map(|slot| Playing {
                schedule: Schedule::for_slot(slot, plan.total_senders, args.rate),
                fanout: plan.fanout(bot_plan.room),
            });
            let (base, stats, phase, ready, permits) = (
                base.to_owned(),
                stats.clone(),
                phase_rx.clone(),
                ready_tx.clone(),
                permits.clone(),
            );
            let index = bot_plan.index;
            tasks.push(tokio::task::spawn_local(async move {
                let connected = {
                    let _permit = permits.acquire().await.expect("never closed");
                    bot::connect(target, &base, &entry).await
                };
                match connected {
                    Ok(socket) => {
                        let _ = ready.send(Ok(()));
                        bot::run(socket, target, playing, stats, phase).await;
                    }
                    Err(error) => {
                        let _ = ready.send(Err(format!("bot {index}: {error}")));
                    }
                }
            }));
        }
        for done in 1..=count {
            if let Some(Err(error)) = ready_rx.recv().await {
                let _ = phase_tx.send(Phase::Stopped);
                return Err(error);
            }
            if done % 100 == 0 || done == count {
                eprintln!("[{}] {label}: {done}/{count} in", target.label());
            }
        }
    }

    time::sleep(SETTLE).await;
    let start = Instant::now() + Duration::from_millis(50);
    let end = start + Duration::from_secs_f64(args.duration);
    stats.open_window(clock::ms_at(start.into_std()), clock::ms_at(end.into_std()));
    let _ = phase_tx.send(Phase::Running { start, end });
    eprintln!(
        "[{}] {} players, {} senders × {} notes/s for {} s",
        target.label(),
        args.players,
        args.senders,
        args.rate,
        args.duration
    );

    time::sleep_until(start).await;
    let target_cpu_start = pid.and_then(|pid| procfs::cpu_seconds(Pid::Other(pid)));
    let loader_cpu_start = procfs::cpu_seconds(Pid::Own);

    time::sleep_until(end).await;
    let drain_deadline = end + DRAIN_LIMIT;
    while stats.delivered.get() < stats.expected.get() && Instant::now() < drain_deadline {
        time::sleep(Duration::from_millis(10)).await;
    }
    let snapshot = stats.close_window();

    let target_cpu_s =
        pid.and_then(|pid| Some(procfs::cpu_seconds(Pid::Other(pid))? - target_cpu_start?));
    let loader_cpu_s = procfs::cpu_seconds(Pid::Own)
        .zip(loader_cpu_start)
        .map(|(end, start)| end - start);
    let target_rss_mb = pid
        .and_then(|pid| procfs::rss_kb(Pid::Other(pid)))
        .map(|kb| kb as f64 / 1024.0);
    eprintln!(
        "[{}] delivered {}/{} (drained {:.2} s after the window)",
        target.label(),
        snapshot.delivered,
        snapshot.expected,
        Instant::now().duration_since(end).as_secs_f64()
    );

    let _ = phase_tx.send(Phase::Stopped);
    finish(tasks).await;
    Ok(Measurement {
        target,
        snapshot,
        duration_s: args.duration,
        target_cpu_s,
        target_rss_mb,
        loader_cpu_s,
    })
}

/// Waits for bots to close their connections, without letting a stuck one hang the report.
async fn finish(tasks: Vec<JoinHandle<()>>) {
    let all = async {
        for task in tasks {
            let _ = task.await;
        }
    };
    let _ = time::timeout(Duration::from_secs(5), all).await;
}
