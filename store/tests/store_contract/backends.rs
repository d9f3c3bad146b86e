//! The backends under contract, each started from nothing in a temporary folder.

use pianorhythm_store::{Store, StoreConfig};
use pianorhythm_test_support::secantus::Secantus;
use tempfile::TempDir;

/// Longer than SecantusDB's journal flush interval.
const SECANTUS_JOURNAL_FLUSH: std::time::Duration = std::time::Duration::from_millis(500);

pub struct Backend {
    pub store: Store,
    config: StoreConfig,
    server: Option<Secantus>,
    _dir: TempDir,
}

impl Backend {
    pub async fn sqlite() -> Self {
        let dir = TempDir::new().unwrap();
        let config = StoreConfig::Embedded {
            data_dir: dir.path().join("data"),
        };
        Self::open(config, None, dir).await
    }

    pub async fn mongodb() -> Self {
        let dir = TempDir::new().unwrap();
        let server = Secantus::start(&dir.path().join("mongo"));
        let config = StoreConfig::MongoDb {
            uri: server.uri.clone(),
            database: "contract".into(),
        };
        Self::open(config, Some(server), dir).await
    }

    async fn open(config: StoreConfig, server: Option<Secantus>, dir: TempDir) -> Self {
        let store = Store::open(&config)
            .await
            .unwrap_or_else(|error| panic!("cannot open the {config:?} store: {error}"));
        Self {
            store,
            config,
            server,
            _dir: dir,
        }
    }

    /// As after a crash: the database server (if any) is killed with SIGKILL and restarted,
    /// and the store is opened again from what is on disk.
    pub async fn crash_and_reopen(&mut self) {
        if let Some(server) = &mut self.server {
            // SecantusDB acknowledges journaled writes (j: true) before they reach its journal,
            // which it flushes about every 100 ms: a write killed sooner is lost (tried: 50 ms
            // lost, 200 ms kept). A real MongoDB honours j: true, which the store requests. Let
            // the test server catch up so this checks what is ours: that everything is written
            // to disk and read back from it.
            tokio::time::sleep(SECANTUS_JOURNAL_FLUSH).await;
            server.crash_and_restart();
            if let StoreConfig::MongoDb { uri, .. } = &mut self.config {
                *uri = server.uri.clone();
            }
        }
        self.store = Store::open(&self.config).await.unwrap();
    }
}
