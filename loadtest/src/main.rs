//! `loadtest`: how many relayed notes per second the server sustains, at what latency and CPU
//! cost, optionally compared with a minimal relay on the same machine.
//!
//! ```text
//! loadtest --players 100 --senders 100 --rate 10 --duration 10 [--rooms N | --room NAME]
//!          [--music] [--start-on-stdin] [--url ws://host:port | --server PATH]
//!          [--baseline | --baseline-only] [--idle-connections N] [--instances N]
//! loadtest --sheet-reads 90 [--sheet-notes 45000] [--worker-threads 1] [--duration 10]
//! loadtest --friends 200 [--writers 20] [--rounds 200] [--message-rate 200]
//! ```
//!
//! Run it with `cargo run --release -p loadtest -- <flags>`. By default it builds (if stale)
//! and spawns the workspace's `server` binary, next to its own, on a free port, so one command
//! measures a fresh server. The loader runs on a single thread: the machine's cores are shared
//! with the process under test, and the report includes the loader's own CPU so a saturated
//! loader is not mistaken for a slow server. Exactly one JSON line goes to stdout.
//!
//! With `--instances N` (N ≥ 2) the load runs three times, each on fresh processes, and the
//! report has figures for each shape:
//! - **single**: one server without `REDIS_URL`, as above: the reference.
//! - **split**: a fresh `redis-server` and N servers sharing it (`REDIS_URL`) and one
//!   DATA_DIR, so one room spans the instances. Senders go to the first instance, listeners
//!   (non-senders) to the others. When every player sends (the default, `--senders` =
//!   `--players`) there are no listeners to move, so each room's players are cut in N blocks
//!   instead, block k on instance k: with two instances, half the players (all sending) on
//!   each, every note reaches the other half over the bus and its own half locally, so
//!   deliveries cross both ways.
//! - **mixed**: the same setup, each room's players alternating between instances.
//!
//! Every room's home is the first instance: the bots create the rooms there, and, started
//! before the others, it holds the Lobby.
//! Each note carries its sender's instance, so besides the overall figures every shape reports
//! the share of deliveries that crossed instances and their own p50/p99. Server CPU is summed
//! over the instances; the redis-server's CPU is reported on its own.
//!
//! Layout:
//! - `cli`: the command line, one struct for every mode.
//! - `child`: starting the server, a `redis-server` or the baseline relay, and stopping them.
//! - `cluster`: N server instances sharing one `redis-server` and one DATA_DIR.
//! - `plan`: who goes to which room and instance, and when each sender plays.
//! - `load`: one measurement: bots in their rooms, the window, the figures.
//! - `bot`: one simulated player over a WebSocket.
//! - `music`: what a `--music` sender plays, step by step.
//! - `wire`: the frames bots send and read, for the server and for the relay.
//! - `clock`: the one clock notes are stamped and read with.
//! - `stats`: what the bots count (deliveries, latency histograms).
//! - `sheet_reads`: sheet-reads mode: a big sheet read at once by many, while a player pings.
//! - `idle`: idle mode: the server memory one silent connection costs.
//! - `social`: social mode: presence and direct messages next to the relay, in one run.
//! - `members`: signed-in members (through `oauth`) and their sockets, for social mode.
//! - `oauth`: the local OAuth provider members sign in with.
//! - `procfs`: CPU time and memory of the processes, from /proc.
//! - `relay`: the baseline, a minimal WebSocket fan-out relay.
//! - `report`: the JSON line on stdout and the table on stderr.

mod bot;
mod child;
mod cli;
mod clock;
mod cluster;
mod idle;
mod load;
mod members;
mod music;
mod oauth;
mod plan;
mod procfs;
mod relay;
mod report;
mod sheet_reads;
mod social;
mod stats;
mod wire;

use std::{io, process::ExitCode};

use clap::Parser;

use crate::{
    child::Spawned,
    cli::Args,
    cluster::Cluster,
    load::{Deployment, Measurement},
    plan::Shape,
    report::Report,
    wire::Target,
};

fn main() -> ExitCode {
    let args = Args::parse();
    if args.serve_baseline {
        return serve_baseline(args.port);
    }
    if let Err(error) = args.validate() {
        eprintln!("loadtest: {error}");
        return ExitCode::from(2);
    }
    if let Some(warning) = args.warning() {
        eprintln!("loadtest: warning: {warning}");
    }
    if let Some(program) = &args.server {
        child::use_server(program.clone());
    }
    clock::start();
    // Before any child is spawned, so the server under test inherits the higher limit too.
    let open_files = procfs::raise_open_file_limit();
    if let Some(wanted) = args.idle_connections {
        if u64::from(wanted) + 100 > open_files {
            eprintln!(
                "loadtest: warning: open-file limit {open_files} is below {wanted} connections"
            );
        }
    }

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("loadtest: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Bots share counters through `Rc`, so they run as local tasks on this one thread.
    let local = tokio::task::LocalSet::new();
    if let Some(readers) = args.sheet_reads {
        return print(local.block_on(&runtime, sheet_reads::run(&args, readers)));
    }
    if let Some(friends) = args.friends {
        let social = social::run(friends, args.writers, args.rounds, args.message_rate);
        return print(local.block_on(&runtime, social));
    }
    print(local.block_on(&runtime, run(&args)))
}

/// The report as the one JSON line on stdout, or the error on stderr.
fn print(report: Result<impl serde::Serialize, String>) -> ExitCode {
    match report {
        Ok(report) => {
            println!(
                "{}",
                serde_json::to_string(&report).expect("the report serialises")
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("loadtest: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<Report, String> {
    if let Some(connections) = args.idle_connections {
        let (_server, deployment) = under_test(args, child::spawn_server)?;
        let pid = deployment.server_pids.first().copied();
        let idle = idle::measure(
            &deployment.bases[0],
            pid,
            connections,
            args.connect_concurrency,
        )
        .await?;
        return Ok(Report::idle(&idle));
    }
    if args.baseline_only {
        let (_relay, deployment) = under_test(args, child::spawn_relay)?;
        let baseline = load::measure(args, Target::Relay, Shape::Single, &deployment).await?;
        eprintln!("{}", report::table(std::slice::from_ref(&baseline)));
        return Ok(Report::load(args, &baseline, None));
    }

    let (server, deployment) = under_test(args, child::spawn_server)?;
    let main = load::measure(args, Target::Server, Shape::Single, &deployment).await?;
    // Stop the server before the next run, so the two never compete for the cores.
    drop(server);
    let shapes = across_instances(args).await?;
    let baseline = if args.baseline {
        let relay = child::spawn_relay().map_err(|error| format!("baseline relay: {error}"))?;
        let deployment = Deployment::single(relay.ws_base(), Some(relay.pid()));
        Some(load::measure(args, Target::Relay, Shape::Single, &deployment).await?)
    } else {
        None
    };

    let measured: Vec<Measurement> = std::iter::once(main.clone())
        .chain(shapes.iter().cloned())
        .chain(baseline.clone())
        .collect();
    eprintln!("{}", report::table(&measured));
    let report = Report::load(args, &main, baseline.as_ref());
    Ok(if shapes.is_empty() {
        report
    } else {
        report.with_shapes(&main, &shapes)
    })
}

/// With `--instances` above 1: the split and mixed shapes, each on a fresh cluster stopped
/// before the next starts. Nothing otherwise.
async fn across_instances(args: &Args) -> Result<Vec<Measurement>, String> {
    let mut measured = Vec::new();
    if args.instances <= 1 {
        return Ok(measured);
    }
    for shape in [Shape::Split, Shape::Mixed] {
        let cluster = Cluster::start(args.instances)
            .map_err(|error| format!("cannot start {} instances: {error}", args.instances))?;
        eprintln!("loadtest: [{}] {}", shape.label(), cluster.describe());
        measured.push(load::measure(args, Target::Server, shape, &cluster.deployment()).await?);
    }
    Ok(measured)
}

/// The process to load: the one at `--url` (figures only with `--server-pid`), or a fresh one
/// from `spawn`, kept alive as long as the returned guard.
fn under_test(
    args: &Args,
    spawn: fn() -> io::Result<Spawned>,
) -> Result<(Option<Spawned>, Deployment), String> {
    match &args.url {
        Some(url) => {
            let base = url.trim_end_matches('/').to_owned();
            Ok((None, Deployment::single(base, args.server_pid)))
        }
        None => {
            let spawned = spawn().map_err(|error| format!("cannot start the target: {error}"))?;
            eprintln!("loadtest: target pid {} on {}", spawned.pid(), spawned.addr);
            let deployment = Deployment::single(spawned.ws_base(), Some(spawned.pid()));
            Ok((Some(spawned), deployment))
        }
    }
}

/// `--serve-baseline`: the relay, on a multi-threaded runtime like the real server's.
fn serve_baseline(port: u16) -> ExitCode {
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .and_then(|runtime| runtime.block_on(relay::serve(port)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("baseline relay: {error}");
            ExitCode::FAILURE
        }
    }
}
