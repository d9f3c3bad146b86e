//! The local OpenID Connect provider the browser tests sign in with
//! (`end2end/oauth/provider.mjs`, installed by `scripts/setup.sh`), in a child process: members
//! sign in exactly as players do, through the server's own OAuth flow.

use std::{
    io::{self, BufRead, BufReader},
    path::PathBuf,
    process::{Child, Stdio},
};

use crate::child;

/// The provider's script, in the workspace this binary was built from.
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end/oauth/provider.mjs");

/// A running provider, stopped when dropped.
pub struct OAuthProvider {
    /// Its base URL: the authorize, token and userinfo endpoints hang off it.
    pub issuer: String,
    /// Where to say who signs in next.
    pub control: String,
    /// The `node` process; its stdin closing (when this process dies) also stops it.
    child: Child,
}

impl OAuthProvider {
    /// Starts the provider on free ports and waits for the line naming them.
    pub fn start() -> io::Result<Self> {
        let mut child = child::command(PathBuf::from("node"))?
            .arg(SCRIPT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("cannot start node {SCRIPT} (run scripts/setup.sh): {error}"),
                )
            })?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let addresses: serde_json::Value = serde_json::from_str(&line)
            .map_err(|error| io::Error::other(format!("the provider said {line:?}: {error}")))?;
        let address = |name: &str| {
            addresses[name]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| io::Error::other(format!("the provider named no {name}")))
        };
        Ok(Self {
            issuer: address("issuer")?,
            control: address("control")?,
            child,
        })
    }

    /// The server's environment that offers this provider under the id `local`.
    pub fn server_env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("OAUTH_LOCAL_CLIENT_ID", "pianorhythm".into()),
            ("OAUTH_LOCAL_CLIENT_SECRET", "secret".into()),
            ("OAUTH_LOCAL_AUTH_URL", format!("{}/authorize", self.issuer)),
            ("OAUTH_LOCAL_TOKEN_URL", format!("{}/token", self.issuer)),
            (
                "OAUTH_LOCAL_USERINFO_URL",
                format!("{}/userinfo", self.issuer),
            ),
        ]
    }
}

impl Drop for OAuthProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
