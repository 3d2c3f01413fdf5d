//! The reference account server for one test: its own SQLite file and port, the demo accounts
//! seeded, started in-process so that the test can also read what the server holds.

use account_api::{Config, ServerHandle};
use std::path::Path;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = account_api::demo::DEMO_PASSWORD;

pub struct Server {
    handle: ServerHandle,
}

impl Server {
    /// Starts a server with the demo accounts, its database under `dir`.
    pub async fn start(dir: &Path) -> Server {
        std::fs::create_dir_all(dir).expect("a directory for the server's database");
        let mut config = Config::new(
            "127.0.0.1:0".parse().expect("a loopback address"),
            dir.join("account-api.sqlite3"),
        );
        config.seed_demo = true;
        // Fault mode with no rules: nothing misbehaves, and the write counters are on.
        config.faults = Some(account_api::FaultSpec::default());
        let handle = account_api::serve(config)
            .await
            .expect("the reference server starts");
        Server { handle }
    }

    pub fn base_url(&self) -> String {
        self.handle.base_url()
    }

    /// What the server holds for `address`: the JSON of `GET /v1/identity`.
    pub async fn identity_of(&self, address: &str) -> serde_json::Value {
        self.handle
            .identity_of(address)
            .await
            .expect("the server's database reads")
            .unwrap_or_else(|| panic!("the server has no account {address}"))
    }

    /// Replaces the server's faults (`503@all,retry-after=1,scope=writes`, `none`, …).
    pub fn set_faults(&self, spec: &str) {
        let spec: account_api::FaultSpec = spec.parse().expect("a valid fault spec");
        assert!(
            self.handle.set_faults(spec),
            "the server runs in fault mode"
        );
    }

    /// How many requests the server has answered (or refused by fault injection).
    pub fn requests(&self) -> u64 {
        self.handle.stats().requests
    }

    /// How many identity writes (consent, save, delete) the server applied.
    pub fn writes_applied(&self) -> u64 {
        self.handle.stats().writes_applied
    }
}
