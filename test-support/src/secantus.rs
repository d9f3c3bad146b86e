//! A real MongoDB-protocol server for tests and benchmarks: SecantusDB (`secantusd-rs`), which
//! scripts/setup.sh --test installs. Each instance gets a free port and its own storage folder
//! and is killed when dropped. A missing binary is a loud failure, never a skipped test.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

/// How long the server may take to say it is listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);

pub struct Secantus {
    /// The server, killed on drop.
    child: Child,
    /// Where clients connect.
    pub uri: String,
    /// Its data, kept across a crash and restart.
    storage: PathBuf,
}

impl Secantus {
    /// Where the binary is: `SECANTUSD_BIN`, else where setup installs it.
    pub fn binary() -> PathBuf {
        if let Some(path) = std::env::var_os("SECANTUSD_BIN") {
            return path.into();
        }
        let tools = std::env::var_os("PIANORHYTHM_TOOLS_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                let home = std::env::var_os("HOME").expect("HOME is not set");
                Path::new(&home).join(".cache/pianorhythm/tools")
            });
        tools.join("secantus/bin/secantusd-rs")
    }

    /// Starts a server storing in `storage` (created if missing; reopened intact if not).
    pub fn start(storage: &Path) -> Self {
        let binary = Self::binary();
        assert!(
            binary.is_file(),
            "SecantusDB is not installed at {}: run `bash scripts/setup.sh --test` \
             (or set SECANTUSD_BIN). The MongoDB contract tests cannot run without it.",
            binary.display()
        );
        let mut child = Command::new(&binary)
            .args(["--host", "127.0.0.1", "--port", "0", "--storage-path"])
            .arg(storage)
            .args([
                "--cache-size",
                "256M",
                "--log-file-max",
                "16MB",
                "--log-level",
                "WARNING",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
        // It prints "secantusd-rs listening on 127.0.0.1:PORT" once ready.
        let stdout = child.stdout.take().expect("stdout is piped");
        let (found, address) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(address) = line.split("listening on ").nth(1) {
                    let _ = found.send(address.trim().to_owned());
                }
            }
        });
        let address = match address.recv_timeout(START_TIMEOUT) {
            Ok(address) => address,
            Err(_) => {
                let _ = child.kill();
                panic!("SecantusDB did not start listening within {START_TIMEOUT:?}");
            }
        };
        Self {
            child,
            uri: format!("mongodb://{address}/?directConnection=true"),
            storage: storage.to_owned(),
        }
    }

    /// Kills the server without warning (SIGKILL) and starts it again on the same storage.
    pub fn crash_and_restart(&mut self) {
        self.kill();
        *self = Self::start(&self.storage.clone());
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Secantus {
    fn drop(&mut self) {
        self.kill();
    }
}
