//! One measurement: put every bot in its room (on its instance), open the window (with
//! `--start-on-stdin` once told to), let the senders play for the duration, wait briefly for
//! stragglers, and collect the figures (ours, the server processes' and the bus's).

use std::{rc::Rc, time::Duration};

use pianorhythm_core::rooms::MAX_PLAYERS_LIMIT;
use tokio::{
    sync::{
        mpsc::{self, UnboundedSender},
        watch, Semaphore,
    },
    task::JoinHandle,
    time::{self, Instant},
};

use crate::{
    bot::{self, Entry, Phase, Playing},
    cli::Args,
    clock,
    music::Music,
    plan::{BotPlan, Plan, Schedule, Shape},
    procfs::{self, Pid},
    stats::{Snapshot, Stats},
    wire::{self, Target},
};

/// After the last join, time for join broadcasts to settle so they are not measured.
const SETTLE: Duration = Duration::from_millis(500);
/// How long after the senders stop a late note still counts.
const DRAIN_LIMIT: Duration = Duration::from_secs(2);

/// What one measurement loads: where bots connect, and whose CPU and memory count.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// `ws://host:port` of each instance; bots placed on instance k connect to `bases[k]`.
    pub bases: Vec<String>,
    /// The server (or relay) processes; empty when unknown (`--url` without `--server-pid`).
    pub server_pids: Vec<u32>,
    /// The `redis-server` carrying the bus between instances, if there is one.
    pub redis_pid: Option<u32>,
}

impl Deployment {
    /// One process at `base`, no bus.
    pub fn single(base: String, pid: Option<u32>) -> Self {
        Deployment {
            bases: vec![base],
            server_pids: pid.into_iter().collect(),
            redis_pid: None,
        }
    }

    fn instances(&self) -> u32 {
        self.bases.len() as u32
    }
}

/// The result of one measurement.
#[derive(Clone, Debug)]
pub struct Measurement {
    /// What was loaded: the server or the minimal relay.
    pub target: Target,
    /// How the bots were spread over instances.
    pub shape: Shape,
    /// Server processes the bots were spread over.
    pub instances: u32,
    /// What the bots counted.
    pub snapshot: Snapshot,
    /// The window's length.
    pub duration_s: f64,
    /// CPU of the server processes (summed) from the window's start to the end of draining.
    pub target_cpu_s: Option<f64>,
    /// Resident memory of the server processes (summed) at the end.
    pub target_rss_mb: Option<f64>,
    /// CPU of the `redis-server` over the same span, when there is one.
    pub redis_cpu_s: Option<f64>,
    /// CPU of the loader itself over the same span.
    pub loader_cpu_s: Option<f64>,
}

impl Measurement {
    pub fn deliveries_per_sec(&self) -> f64 {
        self.snapshot.delivered as f64 / self.duration_s
    }

    /// The log prefix: "baseline", or the shape.
    pub fn label(target: Target, shape: Shape) -> &'static str {
        match target {
            Target::Relay => target.label(),
            Target::Server => shape.label(),
        }
    }
}

/// Runs the load described by `args`, spread as `shape` says, against `deployment`.
pub async fn measure(
    args: &Args,
    target: Target,
    shape: Shape,
    deployment: &Deployment,
) -> Result<Measurement, String> {
    let label = Measurement::label(target, shape);
    let plan = Plan::spread(
        args.players,
        args.senders,
        args.rooms,
        shape,
        deployment.instances(),
    );
    let plan = match &args.room {
        Some(name) => plan.named(name),
        None => plan,
    };
    let stats = Rc::new(Stats::new());
    let (phase_tx, phase_rx) = watch::channel(Phase::Waiting);
    let bots = Bots {
        args,
        target,
        label,
        plan: &plan,
        deployment,
        stats: stats.clone(),
        phase: phase_rx,
    };
    let tasks = match bots.enter().await {
        Ok(tasks) => tasks,
        Err(error) => {
            let _ = phase_tx.send(Phase::Stopped);
            return Err(error);
        }
    };

    time::sleep(SETTLE).await;
    if args.start_on_stdin {
        eprintln!("[{label}] everyone is in; waiting for a line on stdin to start");
        if let Err(error) = line_on_stdin().await {
            let _ = phase_tx.send(Phase::Stopped);
            return Err(error);
        }
    }
    let start = Instant::now() + Duration::from_millis(50);
    let end = start + Duration::from_secs_f64(args.duration);
    stats.open_window(clock::ms_at(start.into_std()), clock::ms_at(end.into_std()));
    let _ = phase_tx.send(Phase::Running { start, end });
    eprintln!(
        "[{label}] {} players, {} senders × {} notes/s for {} s on {} instance(s)",
        args.players,
        args.senders,
        args.rate,
        args.duration,
        deployment.instances()
    );

    time::sleep_until(start).await;
    let cpu = CpuMeter::start(deployment);
    time::sleep_until(end).await;
    let snapshot = drain(&stats, end).await;
    let used = cpu.stop();
    eprintln!(
        "[{label}] delivered {}/{} (drained {:.2} s after the window)",
        snapshot.delivered,
        snapshot.expected,
        Instant::now().duration_since(end).as_secs_f64()
    );

    let _ = phase_tx.send(Phase::Stopped);
    finish(tasks).await;
    Ok(Measurement {
        target,
        shape,
        instances: deployment.instances(),
        snapshot,
        duration_s: args.duration,
        target_cpu_s: used.servers,
        target_rss_mb: total(&deployment.server_pids, |pid| {
            procfs::rss_kb(Pid::Other(pid)).map(|kb| kb as f64 / 1024.0)
        }),
        redis_cpu_s: used.redis,
        loader_cpu_s: used.loader,
    })
}

/// What every bot of one measurement shares, and how they get into their rooms.
struct Bots<'a> {
    /// The load asked for.
    args: &'a Args,
    /// The server or the relay.
    target: Target,
    /// Log prefix.
    label: &'static str,
    /// Who goes where.
    plan: &'a Plan,
    /// Where the instances listen.
    deployment: &'a Deployment,
    /// The counters every bot updates.
    stats: Rc<Stats>,
    /// The orchestrator's orders.
    phase: watch::Receiver<Phase>,
}

impl Bots<'_> {
    /// Connects every bot and gets it into its room: creators first, since nobody can join a
    /// room before it exists. Returns the bots' tasks, or the first bot's failure.
    async fn enter(&self) -> Result<Vec<JoinHandle<()>>, String> {
        let (creators, joiners): (Vec<_>, Vec<_>) =
            self.plan.bots.iter().partition(|bot| bot.creates_room);
        let mut tasks = Vec::with_capacity(self.plan.bots.len());
        for (what, group) in [("room creators", creators), ("bots", joiners)] {
            if !group.is_empty() {
                self.enter_group(what, &group, &mut tasks).await?;
            }
        }
        Ok(tasks)
    }

    /// Starts `group`'s bots, at most `--connect-concurrency` connecting at once, and waits
    /// until all of them are in their rooms.
    async fn enter_group(
        &self,
        what: &str,
        group: &[&BotPlan],
        tasks: &mut Vec<JoinHandle<()>>,
    ) -> Result<(), String> {
        let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
        let permits = Rc::new(Semaphore::new(self.args.connect_concurrency));
        for bot in group {
            tasks.push(self.spawn(bot, ready_tx.clone(), permits.clone()));
        }
        let count = group.len();
        for done in 1..=count {
            if let Some(Err(error)) = ready_rx.recv().await {
                return Err(error);
            }
            if done % 100 == 0 || done == count {
                eprintln!("[{}] {what}: {done}/{count} in", self.label);
            }
        }
        Ok(())
    }

    /// One bot's task: connect (holding a permit), report, then play and listen.
    fn spawn(
        &self,
        bot: &BotPlan,
        ready: UnboundedSender<Result<(), String>>,
        permits: Rc<Semaphore>,
    ) -> JoinHandle<()> {
        let (target, instance, index) = (self.target, bot.instance, bot.index);
        let base = self.deployment.bases[instance as usize].clone();
        let entry = self.entry(bot);
        let playing = self.playing(bot);
        let (stats, phase) = (self.stats.clone(), self.phase.clone());
        tokio::task::spawn_local(async move {
            let connected = {
                let _permit = permits.acquire().await.expect("never closed");
                bot::connect(target, &base, &entry).await
            };
            match connected {
                Ok(socket) => {
                    let _ = ready.send(Ok(()));
                    bot::run(socket, target, instance, playing, stats, phase).await;
                }
                Err(error) => {
                    let _ = ready.send(Err(format!("bot {index} (instance {instance}): {error}")));
                }
            }
        })
    }

    fn entry(&self, bot: &BotPlan) -> Entry {
        let room = self.plan.rooms[bot.room].name.clone();
        if bot.creates_room {
            Entry::Create {
                room,
                max_players: MAX_PLAYERS_LIMIT,
                note_rate: self.args.effective_room_note_rate(),
            }
        } else {
            Entry::Join(room)
        }
    }

    fn playing(&self, bot: &BotPlan) -> Option<Playing> {
        let slot = bot.sender_slot?;
        let rate = self.args.rate;
        Some(Playing {
            schedule: Schedule::for_slot(slot, self.plan.total_senders, rate),
            fanout: self.plan.fanout(bot.room),
            crossing_fanout: self.plan.crossing_fanout(bot.room, bot.instance),
            music: self
                .args
                .music
                .then(|| Music::new(slot, rate, wire::velocity(bot.instance))),
        })
    }
}

/// Waits for a line on stdin (on a blocking thread: tokio's stdin needs a feature the
/// workspace does not enable, and this happens once).
async fn line_on_stdin() -> Result<(), String> {
    let read = tokio::task::spawn_blocking(|| std::io::stdin().read_line(&mut String::new()));
    match read.await {
        Ok(Ok(0)) => Err("stdin closed before the start signal".into()),
        Ok(Ok(_)) => Ok(()),
        Ok(Err(error)) => Err(format!("cannot read stdin: {error}")),
        Err(error) => Err(format!("cannot read stdin: {error}")),
    }
}

/// Waits (at most [`DRAIN_LIMIT`] after `end`) until every expected note has arrived, then
/// freezes the figures.
async fn drain(stats: &Stats, end: Instant) -> Snapshot {
    let deadline = end + DRAIN_LIMIT;
    while stats.delivered.get() < stats.expected.get() && Instant::now() < deadline {
        time::sleep(Duration::from_millis(10)).await;
    }
    stats.close_window()
}

/// `read` summed over `pids`; `None` if there are none or any cannot be read.
fn total(pids: &[u32], read: impl Fn(u32) -> Option<f64>) -> Option<f64> {
    if pids.is_empty() {
        return None;
    }
    pids.iter().map(|&pid| read(pid)).sum()
}

fn servers_cpu(pids: &[u32]) -> Option<f64> {
    total(pids, |pid| procfs::cpu_seconds(Pid::Other(pid)))
}

/// CPU time used over the window (and draining), per party.
struct CpuUse {
    /// The server processes, summed.
    servers: Option<f64>,
    /// The `redis-server`.
    redis: Option<f64>,
    /// The loader.
    loader: Option<f64>,
}

/// CPU readings taken when the window opens, subtracted from those when it closes.
struct CpuMeter<'a> {
    /// Whose CPU to read.
    deployment: &'a Deployment,
    /// The reading at the start.
    start: CpuUse,
}

impl<'a> CpuMeter<'a> {
    fn start(deployment: &'a Deployment) -> Self {
        let start = Self::read(deployment);
        CpuMeter { deployment, start }
    }

    fn read(deployment: &Deployment) -> CpuUse {
        CpuUse {
            servers: servers_cpu(&deployment.server_pids),
            redis: deployment
                .redis_pid
                .and_then(|pid| procfs::cpu_seconds(Pid::Other(pid))),
            loader: procfs::cpu_seconds(Pid::Own),
        }
    }

    fn stop(&self) -> CpuUse {
        let end = Self::read(self.deployment);
        let since = |end: Option<f64>, start: Option<f64>| Some(end? - start?);
        CpuUse {
            servers: since(end.servers, self.start.servers),
            redis: since(end.redis, self.start.redis),
            loader: since(end.loader, self.start.loader),
        }
    }
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
