//! `loadtest`: how many relayed notes per second the server sustains, at what latency and CPU
//! cost, optionally compared with a minimal relay on the same machine.
//!
//! ```text
//! loadtest --players 100 --senders 100 --rate 10 --duration 10 [--rooms N] [--url ws://host:port]
//!          [--baseline | --baseline-only] [--idle-connections N]
//! ```
//!
//! By default it spawns the `server` binary built next to it on a free port, so one command
//! measures a fresh server. The loader runs on a single thread: the machine's cores are shared
//! with the process under test, and the report includes the loader's own CPU so a saturated
//! loader is not mistaken for a slow server. Exactly one JSON line goes to stdout.

mod bot;
mod child;
mod cli;
mod clock;
mod idle;
mod load;
mod plan;
mod procfs;
mod relay;
mod report;
mod stats;
mod wire;

use std::{io, process::ExitCode};

use clap::Parser;

use crate::{child::Spawned, cli::Args, report::Report, wire::Target};

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
    match local.block_on(&runtime, run(&args)) {
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
        let (_server, base, pid) = under_test(args, child::spawn_server)?;
        let idle = idle::measure(&base, pid, connections, args.connect_concurrency).await?;
        return Ok(Report::idle(&idle));
    }
    if args.baseline_only {
        let (_relay, base, pid) = under_test(args, child::spawn_relay)?;
        let baseline = load::measure(args, Target::Relay, &base, pid).await?;
        return Ok(Report::load(args, &baseline, None));
    }

    let (server, base, pid) = under_test(args, child::spawn_server)?;
    let main = load::measure(args, Target::Server, &base, pid).await?;
    // Stop the server before the baseline runs, so the two never compete for the cores.
    drop(server);
    let baseline = if args.baseline {
        let relay = child::spawn_relay().map_err(|error| format!("baseline relay: {error}"))?;
        Some(load::measure(args, Target::Relay, &relay.ws_base(), Some(relay.pid())).await?)
    } else {
        None
    };
    Ok(Report::load(args, &main, baseline.as_ref()))
}

/// The process to load: the one at `--url` (figures only with `--server-pid`), or a fresh one
/// from `spawn`, kept alive as long as the returned guard.
fn under_test(
    args: &Args,
    spawn: fn() -> io::Result<Spawned>,
) -> Result<(Option<Spawned>, String, Option<u32>), String> {
    match &args.url {
        Some(url) => Ok((None, url.trim_end_matches('/').to_owned(), args.server_pid)),
        None => {
            let spawned = spawn().map_err(|error| format!("cannot start the target: {error}"))?;
            eprintln!("loadtest: target pid {} on {}", spawned.pid(), spawned.addr);
            let (base, pid) = (spawned.ws_base(), Some(spawned.pid()));
            Ok((Some(spawned), base, pid))
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
