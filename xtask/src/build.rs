//! Building the workspace the one way every command shares: the UI, every binary with the
//! features the tests use, and the end-to-end test command on top of that same build, so that
//! the app's dependency chain is compiled once, whichever command or test layer asks first.

use crate::exec::{self, cmd, repo_root};
use crate::tools;
use std::path::PathBuf;
use std::process::Command;

/// Same features for clippy, unit tests and end-to-end tests, so the app's dependency chain is built once.
pub const APP_FEATURES: &[&str] = &["--features", "mail-identity/custom-protocol"];

/// A file name with the platform's executable suffix.
pub fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// The web front-end, built into the folder the app embeds.
pub fn build_ui() -> Result<(), String> {
    exec::run(&mut cmd(tools::npm(), &["run", "--silent", "build"]))
}

/// What a build of the workspace's binaries is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BinariesFor {
    /// `cargo xtask run`: the binaries alone, the quickest first start.
    Running,
    /// A test layer: the binaries built together with every test target, as `cargo test` builds
    /// them. Without the tests, the dev-dependencies' features are not unified in and half the
    /// dependency tree is compiled a second time, gigabytes on disk.
    Testing,
}

/// Builds every binary of the workspace (the app, the CLI, the reference server) with the features
/// the tests use, and returns the folder they are in. Building one package alone (`-p`) would
/// unify features differently and compile the shared crates a second time.
pub fn build_workspace_binaries(purpose: BinariesFor) -> Result<PathBuf, String> {
    let mut args = vec!["build", "--workspace", "--bins"];
    if purpose == BinariesFor::Testing {
        args.push("--tests");
    }
    args.extend(APP_FEATURES);
    exec::run(&mut cmd("cargo", &args))?;
    Ok(repo_root().join("target").join("debug"))
}

/// `cargo test` of the end-to-end tests whose names hold `filter` (all for ""), one at a time,
/// with tauri-driver and the display in the environment. The caller provides the display.
pub fn e2e_command(filter: &str) -> Result<Command, String> {
    let driver = tools::tauri_driver_path().ok_or("tauri-driver is not installed")?;
    // `--workspace` as in the other layers: the same feature unification, so nothing is rebuilt.
    let mut args = vec!["test", "--workspace"];
    args.extend(APP_FEATURES);
    args.extend(["--test", "e2e", "--"]);
    if !filter.is_empty() {
        args.push(filter);
    }
    args.push("--test-threads=1");
    let mut command = cmd("cargo", &args);
    command
        .env("MAIL_IDENTITY_E2E", "1")
        .env("TAURI_DRIVER", &driver);
    if let Some(display) = std::env::var_os("DISPLAY") {
        command.env("DISPLAY", display);
    }
    Ok(command)
}
