//! `cargo xtask test`: every test layer in a fixed order (or only the ones named on the command
//! line), after installing what is missing and building the UI, then a summary with each layer's
//! verdict and time. The short layers are written here; the longer ones (`phone-diff`,
//! `email-diff`, `api-contract`, `deb`, `windows`, `cross-check`) have their own modules.

use crate::build::{build_ui, e2e_command, APP_FEATURES};
use crate::exec::{self, cmd, repo_root};
use crate::setup::{self, Purpose};
use crate::{
    api_contract, catalog, cross_check, deb, display, email_diff, keyring_session, phone_diff,
    tools, windows,
};
use std::time::{Duration, Instant};

/// One test layer: a name for the summary and the work that decides its verdict.
struct Layer {
    name: &'static str,
    action: fn() -> Result<(), String>,
}

const LAYERS: &[Layer] = &[
    Layer {
        name: "fmt",
        action: fmt,
    },
    Layer {
        name: "clippy",
        action: clippy,
    },
    Layer {
        name: "catalog",
        action: catalog_layer,
    },
    Layer {
        name: "cargo-test",
        action: cargo_test,
    },
    Layer {
        name: "phone-diff",
        action: phone_diff::run,
    },
    Layer {
        name: "email-diff",
        action: email_diff::run,
    },
    Layer {
        name: "api-contract",
        action: api_contract::run,
    },
    Layer {
        name: "abuse",
        action: abuse,
    },
    Layer {
        name: "svelte-check",
        action: svelte_check,
    },
    Layer {
        name: "vitest",
        action: vitest,
    },
    Layer {
        name: "ui-screens",
        action: ui_screens,
    },
    Layer {
        name: "e2e",
        action: e2e,
    },
    Layer {
        name: "deb",
        action: deb::run,
    },
    Layer {
        name: "windows",
        action: windows::run,
    },
    Layer {
        name: "cross-check",
        action: cross_check::run,
    },
];

/// Runs every layer (or the ones named on the command line), then prints a summary.
pub fn run(selected: &[String]) -> Result<(), String> {
    let unknown: Vec<&String> = selected
        .iter()
        .filter(|name| !LAYERS.iter().any(|l| l.name == name.as_str()))
        .collect();
    if !unknown.is_empty() {
        let names: Vec<&str> = LAYERS.iter().map(|l| l.name).collect();
        return Err(format!(
            "unknown layer(s) {unknown:?}; layers are: {}",
            names.join(", ")
        ));
    }
    // Every cargo below builds once and runs: incremental state (gigabytes per target) would never
    // be read again. Set before any thread or child starts, for every child that inherits it.
    std::env::set_var("CARGO_INCREMENTAL", "0");
    let started = Instant::now();
    let mut results: Vec<(&str, Result<(), String>, Duration)> = Vec::new();
    let setup_start = Instant::now();
    let prepared = setup::ensure(Purpose::Test).and_then(|()| build_ui());
    results.push(("setup + UI build", prepared.clone(), setup_start.elapsed()));
    if prepared.is_ok() {
        for layer in LAYERS {
            if !selected.is_empty() && !selected.iter().any(|s| s == layer.name) {
                continue;
            }
            let layer_start = Instant::now();
            println!("\n\x1b[1;34m═══ {} ═══\x1b[0m", layer.name);
            let outcome = (layer.action)();
            results.push((layer.name, outcome, layer_start.elapsed()));
        }
    }
    println!("\n\x1b[1mSummary\x1b[0m");
    for (name, outcome, took) in &results {
        let (mark, detail) = match outcome {
            Ok(()) => ("\x1b[32mpass\x1b[0m", String::new()),
            Err(e) => ("\x1b[31mFAIL\x1b[0m", format!("  {e}")),
        };
        println!("  {mark}  {name:<18} {:>7.1} s{detail}", took.as_secs_f64());
    }
    println!("  total {:.1} s", started.elapsed().as_secs_f64());
    let failed = results.iter().filter(|(_, o, _)| o.is_err()).count();
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} layer(s) failed"))
    }
}

fn fmt() -> Result<(), String> {
    exec::run(&mut cmd("cargo", &["fmt", "--all", "--check"]))
}

fn clippy() -> Result<(), String> {
    let mut args = vec!["clippy", "--workspace", "--all-targets"];
    args.extend(APP_FEATURES);
    args.extend(["--", "-D", "warnings"]);
    exec::run(&mut cmd("cargo", &args))
}

fn catalog_layer() -> Result<(), String> {
    catalog::check(&repo_root()).map(|report| println!("{report}"))
}

/// Inside a keyring session (see [`crate::keyring_session`]): the sync tests use the real Secret
/// Service, and the crash test (which needs drafts to survive a restart) runs instead of skipping.
fn cargo_test() -> Result<(), String> {
    let mut args = vec!["test", "--workspace"];
    args.extend(APP_FEATURES);
    exec::run(&mut keyring_session::wrap(cmd("cargo", &args)))
}

/// Hostile clients against the reference server (`crates/account-api/tests/abuse.rs`), with its
/// figures (peak memory, latency during a slow-client flood) in the log. Built with the workspace's
/// feature set, so that it reuses the cargo-test layer's build instead of a second dependency tree.
fn abuse() -> Result<(), String> {
    let mut args = vec!["test", "--workspace"];
    args.extend(APP_FEATURES);
    // Ignored in the cargo-test layer, so that it runs once, here.
    args.extend(["--test", "abuse", "--", "--ignored", "--nocapture"]);
    exec::run(&mut cmd("cargo", &args))
}

fn svelte_check() -> Result<(), String> {
    exec::run(&mut cmd(tools::npm(), &["run", "--silent", "check"]))
}

fn vitest() -> Result<(), String> {
    exec::run(&mut cmd(tools::npm(), &["run", "--silent", "test:unit"]))
}

/// Every screen of the built UI in Chromium with mocked IPC: screenshots (ko/en, light/dark,
/// 420 and 900 px) into `target/ui-screenshots/`, axe-core on each, 동의/거부 measured equal.
fn ui_screens() -> Result<(), String> {
    exec::run(&mut cmd("node", &["ui/screenshots/run.mjs"]))
}

/// The real app under WebDriver: a virtual display when there is none, tauri-driver found or
/// installed, the OS credential store in a keyring session.
fn e2e() -> Result<(), String> {
    let _display = display::ensure()?;
    // The app keeps its token and draft key in the Secret Service, as on an employee's desktop.
    exec::run(&mut keyring_session::wrap(e2e_command("")?))
}
