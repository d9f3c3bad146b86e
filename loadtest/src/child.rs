//! Starting the processes under test (the real server, one or several instances of it sharing
//! a `redis-server`, or this binary as the baseline relay) on free ports, waiting until they
//! answer, and making sure they die with the loader.
//!
//! Everything here is blocking std code: it runs only before and after a measurement, when no
//! bot needs the thread.

use std::{
    io::{self, Read, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    os::{fd::AsFd, unix::process::CommandExt},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU32, Ordering},
        OnceLock,
    },
    thread,
    time::{Duration, Instant},
};

/// How long a freshly spawned process gets to start answering.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a process gets to exit after SIGTERM before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(3);

/// A running child process, stopped when dropped.
pub struct Spawned {
    /// The process.
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    /// The scratch folder it owns alone (site root and store), removed afterwards.
    scratch: Option<ScratchDir>,
}

impl Spawned {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Base URL for WebSocket connections.
    pub fn ws_base(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// `redis://host:port`, for a spawned `redis-server`.
    pub fn redis_url(&self) -> String {
        format!("redis://{}", self.addr)
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        // SIGTERM first so the server can shut down as it does in production.
        // SAFETY: kill only sends a signal to our own child's pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        // The scratch folder goes only now, after the process that used it.
        self.scratch.take();
    }
}

/// A fresh folder under the system's temporary folder, removed with everything in it when
/// dropped. The load test needs no pages or client bundle, only the WebSocket: the empty
/// folder is the site root, and the store (`data/`) lives in it too, so every run starts
/// fresh and leaves nothing behind.
pub struct ScratchDir {
    /// The folder.
    path: PathBuf,
}

impl ScratchDir {
    /// A new folder, named after this process and a counter so several can coexist.
    pub fn new() -> io::Result<Self> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "loadtest-site-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path)?;
        Ok(ScratchDir { path })
    }

    /// The site root.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The DATA_DIR: shared by every instance given this folder.
    pub fn data_dir(&self) -> PathBuf {
        self.path.join("data")
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A port nothing listens on right now (the OS picks it; the tiny race is acceptable here).
fn free_port() -> io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A command whose output goes to our stderr (stdout carries only the JSON report) and which
/// is killed if the loader dies, so no orphaned server keeps the port or the CPU.
pub fn command(program: PathBuf) -> io::Result<Command> {
    let mut command = Command::new(program);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::from(io::stderr().as_fd().try_clone_to_owned()?))
        .stderr(Stdio::inherit());
    // SAFETY: prctl is async-signal-safe and touches nothing but the new process's own state.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    Ok(command)
}

/// What `cargo run` sets for the program it runs, besides `CARGO_PKG_*`.
const CARGO_RUN_VARIABLES: [&str; 6] = [
    "OUT_DIR",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
];

/// The `server` binary next to this one, brought up to date first with the cargo that built
/// this one (same profile, same target folder): `cargo run --release -p loadtest` then works
/// in a fresh clone, and never measures a stale server. Without that cargo (the binaries were
/// copied elsewhere), the binary found next to this one is used as it is. Built once per run:
/// every instance of every shape runs the same binary.
fn server_binary() -> io::Result<PathBuf> {
    if let Some(program) = SERVER.get() {
        return Ok(program.clone());
    }
    let program = build_server()?;
    Ok(SERVER.get_or_init(|| program).clone())
}

/// The server binary every spawn runs: the one `--server` names, or the workspace's, built
/// once per run.
static SERVER: OnceLock<PathBuf> = OnceLock::new();

/// Runs `program` as the server instead of building the workspace's (`--server`): another
/// version of it, to compare.
pub fn use_server(program: PathBuf) {
    // Set once, from the command line, before anything is spawned.
    let _ = SERVER.set(program);
}

fn build_server() -> io::Result<PathBuf> {
    let program = std::env::current_exe()?.with_file_name("server");
    let target_dir = program
        .parent()
        .and_then(Path::parent)
        .ok_or_else(|| io::Error::other("this binary is not in a cargo target folder"))?;
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "--quiet", "--package", "server", "--bin", "server"])
        // The workspace's manifest: `server` is a member of it, like this package.
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))
        .arg("--target-dir")
        .arg(target_dir)
        .stdout(Stdio::from(io::stderr().as_fd().try_clone_to_owned()?));
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    // `cargo run` describes this binary's package to it in the environment; passed on, those
    // variables would look like a change to build scripts that watch them (ring's does), and
    // every run would rebuild half the dependencies.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if CARGO_RUN_VARIABLES.contains(&name.as_ref()) || name.starts_with("CARGO_PKG_") {
            build.env_remove(name.as_ref());
        }
    }
    let built = build.status().is_ok_and(|status| status.success());
    if built || program.exists() {
        Ok(program)
    } else {
        Err(io::Error::other(format!(
            "{} could not be built: try `cargo build --release -p server`",
            program.display()
        )))
    }
}

/// Starts the `server` binary next to this one on its own scratch folder, with no bus (one
/// instance alone), and waits for `GET /health` to answer 200.
pub fn spawn_server() -> io::Result<Spawned> {
    spawn_server_in(ScratchDir::new()?, &[])
}

/// [`spawn_server`] on a scratch folder prepared beforehand (e.g. a store already holding
/// something), with extra environment variables; the server owns the folder from then on.
pub fn spawn_server_in(scratch: ScratchDir, env: &[(&str, &str)]) -> io::Result<Spawned> {
    let mut spawned = start_server(&scratch, None, env)?;
    spawned.scratch = Some(scratch);
    Ok(spawned)
}

/// Starts one instance of a cluster: the site root and DATA_DIR in `scratch` (shared by the
/// instances, which outlive it only while the caller keeps it), the bus at `redis_url`.
pub fn spawn_instance(scratch: &ScratchDir, redis_url: &str) -> io::Result<Spawned> {
    start_server(scratch, Some(redis_url), &[])
}

fn start_server(
    scratch: &ScratchDir,
    redis_url: Option<&str>,
    env: &[(&str, &str)],
) -> io::Result<Spawned> {
    let program = server_binary()?;
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
    let mut command = command(program)?;
    command
        .env("LEPTOS_SITE_ADDR", addr.to_string())
        .env("METRICS_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", scratch.path())
        .env("DATA_DIR", scratch.data_dir())
        .env("RUST_LOG", "warn")
        // A store or bus configured in the caller's shell is not the one under test.
        .env_remove("MONGODB_URI")
        .env_remove("REDIS_URL")
        // Every bot comes from 127.0.0.1: as an operator would for a known gateway, let that
        // one address carry as many players as the load needs, and open their sockets as fast
        // as it likes (idle runs open tens of thousands). Per-player limits still apply.
        .env("GUESTS_PER_ADDRESS", "1000000")
        .env("MAX_CONNECTIONS_PER_ADDRESS", "1000000")
        // Likewise for HTTP: the sheet readers all come from that address.
        .env("HTTP_REQUESTS_PER_SECOND", "1000000")
        .env("HTTP_BURST", "1000000")
        .env("MAX_OPEN_CONNECTIONS", "1000000")
        .envs(env.iter().copied());
    if let Some(url) = redis_url {
        // The instances of one run share the secret that signs the bus's messages.
        command
            .env("REDIS_URL", url)
            .env("BUS_SECRET", "loadtest-bus-secret-0123456789abcdef");
    }
    let mut spawned = Spawned {
        child: command.spawn()?,
        addr,
        scratch: None,
    };
    wait_until(&mut spawned, |addr| http_ok(addr, "/health"))?;
    Ok(spawned)
}

/// Starts a `redis-server` on a free port, saving nothing to disk, and waits until it accepts
/// connections. Its log goes nowhere: only warnings would be written, and not to stdout.
pub fn spawn_redis() -> io::Result<Spawned> {
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
    let mut command = command(PathBuf::from("redis-server"))?;
    command
        .args(["--port", &addr.port().to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--loglevel", "warning"])
        .stdout(Stdio::null());
    let child = command.spawn().map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot start redis-server (is it installed?): {error}"),
        )
    })?;
    accepting(child, addr)
}

/// Starts this binary as the baseline relay and waits until it accepts connections.
pub fn spawn_relay() -> io::Result<Spawned> {
    let addr = SocketAddr::from(([127, 0, 0, 1], free_port()?));
    let child = command(std::env::current_exe()?)?
        .args(["--serve-baseline", "--port", &addr.port().to_string()])
        .spawn()?;
    accepting(child, addr)
}

fn wait_until(spawned: &mut Spawned, ready: impl Fn(SocketAddr) -> bool) -> io::Result<()> {
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    loop {
        if ready(spawned.addr) {
            return Ok(());
        }
        if let Some(status) = spawned.child.try_wait()? {
            return Err(io::Error::other(format!("child exited early: {status}")));
        }
        if Instant::now() > deadline {
            return Err(io::Error::other(format!(
                "nothing answered on {} within {STARTUP_TIMEOUT:?}",
                spawned.addr
            )));
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// Whether a bare HTTP/1.1 GET of `path` answers 200.
fn http_ok(addr: SocketAddr, path: &str) -> bool {
    let attempt = || -> io::Result<bool> {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(500))?;
        stream.set_read_timeout(Some(Duration::from_secs(2)))?;
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head)?;
        Ok(head.starts_with(b"HTTP/1.1 200") || head.starts_with(b"HTTP/1.0 200"))
    };
    attempt().unwrap_or(false)
}

/// `child`, once it accepts TCP connections on `addr`.
fn accepting(child: Child, addr: SocketAddr) -> io::Result<Spawned> {
    let mut spawned = Spawned {
        child,
        addr,
        scratch: None,
    };
    wait_until(&mut spawned, |addr| {
        TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_ok()
    })?;
    Ok(spawned)
}
