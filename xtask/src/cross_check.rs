//! The `cross-check` layer: the code employees actually run — macOS on Apple silicon and Intel,
//! Windows built with the MSVC toolchain the release uses — is type-checked and linted on every
//! run, so that what sits behind `cfg(target_os = "macos")` or `cfg(windows)` (the managed
//! preferences and registry policy readers, the platform's paths, the dependencies that reach the
//! Keychain, the Credential Manager and the system web views) cannot break unseen on a Linux
//! machine.
//!
//! Check only: there is no Apple or Microsoft SDK here, so nothing can be linked and no test runs.
//! Each target gets `cargo clippy --workspace --all-targets` with the features of the Linux
//! layers (a `cargo check` of every dependency, the same lints as the `clippy` layer on the
//! project's crates). The C parts of dependencies are compiled by `xtask/cross/cc-stub.sh` into
//! empty objects, enough for their build scripts; the Windows resource script (icon, manifest) is
//! compiled for real with `llvm-rc`. What employees install is built and signed by the release
//! workflow on its own macOS and Windows runners.

use crate::build::APP_FEATURES;
use crate::exec::{self, cmd, repo_root};
use crate::setup;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// A target that is checked, and the archiver its build scripts' empty objects are collected with.
struct Target {
    /// Rust's name of the target.
    triple: &'static str,
    /// The archiver the `cc` crate calls: `ar`-style for Apple, `lib.exe`-style for MSVC.
    archiver: &'static str,
}

/// Both macOS architectures, as the release ships one installer for each. No code of the project
/// depends on the architecture, so the second one mostly re-checks dependencies (ring, objc2);
/// it costs about a minute of two free cores when cold (the build scripts and macros compiled for
/// the host are shared with the first), 4 s when warm, and 270 MB under `target/`.
const TARGETS: &[Target] = &[
    Target {
        triple: "aarch64-apple-darwin",
        archiver: "llvm-ar",
    },
    Target {
        triple: "x86_64-apple-darwin",
        archiver: "llvm-ar",
    },
    Target {
        triple: "x86_64-pc-windows-msvc",
        archiver: "llvm-lib",
    },
];

/// clang for the empty objects and the resource script's preprocessing; llvm for `llvm-ar`,
/// `llvm-lib` and `llvm-rc`.
const DEBIAN_PACKAGES: &[&str] = &["clang", "llvm"];

const STUB: &str = "xtask/cross/cc-stub.sh";

pub fn run() -> Result<(), String> {
    if !cfg!(target_os = "linux") || !exec::on_path("apt-get") || !exec::on_path("dpkg-query") {
        println!(
            "skipped: the stand-in C compiler for macOS and windows-msvc is set up on \
             Debian/Ubuntu only"
        );
        return Ok(());
    }
    setup::install_debian_packages(DEBIAN_PACKAGES)?;
    rust_targets()?;
    let stub = repo_root().join(STUB);
    let mut failed = Vec::new();
    for target in TARGETS {
        let started = Instant::now();
        let outcome = exec::run(&mut clippy(target, &stub));
        println!(
            "{}: {} in {:.1} s; target/{} holds {:.0} MiB",
            target.triple,
            if outcome.is_ok() { "clean" } else { "FAILED" },
            started.elapsed().as_secs_f64(),
            target.triple,
            dir_size(&repo_root().join("target").join(target.triple)) as f64 / 1_048_576.0,
        );
        if outcome.is_err() {
            failed.push(target.triple);
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("not clean for {}", failed.join(", ")))
    }
}

/// Adds the standard libraries of the targets that rustup does not have yet.
fn rust_targets() -> Result<(), String> {
    if !exec::on_path("rustup") {
        return Err(
            "rustup is needed to add the macOS and windows-msvc standard libraries".to_string(),
        );
    }
    let installed = cmd("rustup", &["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("could not start `rustup target list`: {e}"))?;
    let installed = String::from_utf8_lossy(&installed.stdout);
    let missing: Vec<&str> = TARGETS
        .iter()
        .map(|t| t.triple)
        .filter(|triple| !installed.lines().any(|line| line.trim() == *triple))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut args = vec!["target", "add"];
    args.extend(&missing);
    exec::run(&mut cmd("rustup", &args))
}

/// `cargo clippy` of the whole workspace for `target`, its build scripts' C (and C++) compiler and
/// archiver set through the variables the `cc` crate reads.
fn clippy(target: &Target, stub: &Path) -> Command {
    let mut args = vec!["clippy", "--workspace", "--all-targets"];
    args.extend(APP_FEATURES);
    args.extend(["--target", target.triple, "--", "-D", "warnings"]);
    let mut command = cmd("cargo", &args);
    let suffix = target.triple.replace('-', "_");
    command
        // Without incremental state each target's folder stays at about 300 MB instead of up to
        // 650 MB; the price is a few seconds: the app crate, which embeds the UI rebuilt before
        // the layers, is re-checked in about 4 s per target instead of 1.5 s, and the whole
        // workspace in about 12 s.
        .env("CARGO_INCREMENTAL", "0")
        .env(format!("CC_{suffix}"), stub)
        .env(format!("CXX_{suffix}"), stub)
        .env(format!("AR_{suffix}"), target.archiver);
    command
}

/// The bytes of every file under `dir` (0 when it does not exist).
fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => dir_size(&entry.path()),
            Ok(kind) if kind.is_file() => entry.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}
