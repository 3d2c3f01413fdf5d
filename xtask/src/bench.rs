//! `cargo xtask bench`: every speed and size claim about the app from one command, side by side
//! with a bare Tauri 2 window built the same way (`xtask/bare-tauri/`) or with libphonenumber-js.
//!
//! It builds in release, then measures in a keyring session under a (virtual) display, because the
//! app keeps its token and draft key in the Secret Service as on an employee's desktop:
//! start-up (spawn → the interactive mark the UI sends once its first screen is painted), memory
//! (PSS and RSS of the app and its WebKit processes) after start and after the consent + form flow,
//! binary and `.deb` sizes, a phone keystroke's IPC round trip, validation speed against
//! libphonenumber-js, and the requests and bytes per start-up, consent and save plus the stampede
//! figures. It writes `target/bench/report.md` and prints it. Never part of `cargo xtask test`:
//! figures are reported, not asserted.

mod desktop;
mod flow;
mod report;
mod stampede;
mod stats;
mod validation;

use crate::build::build_ui;
use crate::exec::{self, cmd, repo_root};
use crate::setup::{self, Purpose};
use crate::{display, keyring_session, phone_diff, python, tools};
use report::{Report, Row};
use stats::Summary;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Measured starts of each app (after one warm-up start each).
const STARTS: usize = 10;
/// Rounds of the WebDriver flow (each: first start, sign-in, agreeing to the consent, 1,000 validations, save,
/// second start).
const FLOW_ROUNDS: usize = 3;
const BARE: &str = "xtask/bare-tauri";
/// The features `tauri build` turns on: the UI embedded in the binary.
const RELEASE_APP: &[&str] = &[
    "build",
    "--release",
    "--features",
    "custom-protocol",
    "-p",
    "mail-identity",
];
/// The WebDriver harness: the test command's own debug build of the e2e tests (shared with `cargo
/// xtask test`, so nothing extra to compile). It drives the release app named by
/// `MAIL_IDENTITY_E2E_APP`; its own optimisation enters no figure (the round trips are timed in the
/// page, the bytes counted on the wire).
const FLOW_TEST: &[&str] = &[
    "test",
    "--workspace",
    "--features",
    "mail-identity/custom-protocol",
    "--test",
    "e2e",
];
const CRITERION: &[&str] = &["bench", "-p", "mail-identity-core", "--bench", "validation"];
/// The environment variable that carries the build time into the measuring process.
const BUILD_SECS: &str = "MAIL_IDENTITY_BENCH_BUILD_SECS";

/// `cargo xtask bench`: builds, then measures in a keyring session (`--measure`, the same program
/// started again inside it).
pub fn run(args: &[String]) -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Err(
            "the benchmark reads /proc and starts the apps under X: it runs on Linux".into(),
        );
    }
    if args.first().map(String::as_str) == Some("--measure") {
        return measure();
    }
    if let Some(other) = args.first() {
        return Err(format!("`bench` takes no arguments (got `{other}`)"));
    }
    let started = Instant::now();
    setup::ensure(Purpose::Test)?;
    same_release_profile()?;
    build()?;
    let _display = display::ensure()?;
    let me = std::env::current_exe().map_err(|e| format!("cannot find xtask itself: {e}"))?;
    let mut measuring = Command::new(me);
    measuring
        .args(["bench", "--measure"])
        .current_dir(repo_root())
        .env(BUILD_SECS, started.elapsed().as_secs().to_string());
    exec::run(&mut keyring_session::wrap(measuring))?;
    println!(
        "cargo xtask bench: {:.1} min in all",
        started.elapsed().as_secs_f64() / 60.0
    );
    Ok(())
}

/// Everything measured later, built first, so that no build competes with a measurement.
fn build() -> Result<(), String> {
    let root = repo_root();
    build_ui()?;
    exec::run(&mut niced(RELEASE_APP))?;
    let target = root.join("target");
    let target_arg = target.to_string_lossy().into_owned();
    exec::run(&mut niced(&[
        "build",
        "--release",
        "--locked",
        "--features",
        "custom-protocol",
        "--manifest-path",
        &format!("{BARE}/Cargo.toml"),
        "--target-dir",
        &target_arg,
    ]))?;
    // The .deb of each: the Tauri CLI packages the binary it finds in the target directory.
    exec::run(&mut cmd("npx", &["tauri", "bundle", "--bundles", "deb"]))?;
    let mut bare_bundle = cmd("npx", &["tauri", "bundle", "--bundles", "deb"]);
    bare_bundle
        .current_dir(root.join(BARE))
        .env("CARGO_TARGET_DIR", &target);
    exec::run(&mut bare_bundle)?;
    // The measured binaries, kept aside: a later build of the test harness may relink the app.
    let bin = bench_dir().join("bin");
    std::fs::create_dir_all(&bin).map_err(|e| format!("cannot create {}: {e}", bin.display()))?;
    for name in ["mail-identity", "bare-tauri"] {
        let from = target.join("release").join(name);
        std::fs::copy(&from, bin.join(name))
            .map_err(|e| format!("cannot copy {}: {e}", from.display()))?;
    }
    let mut flow_test = FLOW_TEST.to_vec();
    flow_test.push("--no-run");
    exec::run(&mut niced(&flow_test))?;
    exec::run(&mut niced(&[
        "build",
        "--release",
        "-p",
        "mail-identity-cli",
        "-p",
        "sync-tests",
        "--bins",
    ]))?;
    let mut criterion = CRITERION.to_vec();
    criterion.push("--no-run");
    exec::run(&mut niced(&criterion))?;
    // The phone corpus the phone-diff layer checks (its generator needs libphonenumber's Python port).
    let work = root.join("target").join("phone-diff");
    let python = python::ensure(&work, phone_diff::PHONENUMBERS)?.program("python");
    let corpus = std::fs::File::create(corpus_path())
        .map_err(|e| format!("cannot write {}: {e}", corpus_path().display()))?;
    exec::run(cmd(&python.to_string_lossy(), &[phone_diff::SCRIPT, "corpus"]).stdout(corpus))
}

/// A cargo build at low priority where `nice` exists: builds are not measured, and a desktop stays
/// usable meanwhile.
fn niced(args: &[&str]) -> Command {
    if exec::on_path("nice") {
        let mut full = vec!["-n", "10", "cargo"];
        full.extend(args);
        cmd("nice", &full)
    } else {
        cmd("cargo", args)
    }
}

fn bench_dir() -> PathBuf {
    repo_root().join("target").join("bench")
}

fn corpus_path() -> PathBuf {
    bench_dir().join("corpus.jsonl")
}

/// The measurements, in a keyring session under the display `run` set up.
fn measure() -> Result<(), String> {
    let started = Instant::now();
    let root = repo_root();
    let work = bench_dir();
    let mut report = Report::default();
    let bin = work.join("bin");
    let (app, bare) = (bin.join("mail-identity"), bin.join("bare-tauri"));
    // A section that fails leaves its rows out and says why; the others are still reported.
    let mut failed = Vec::new();
    let mut section = |name: &str, outcome: Result<(), String>, report: &mut Report| {
        if let Err(error) = outcome {
            eprintln!("xtask bench: {name} failed: {error}");
            report.notes.push(format!("**{name} failed**: {error}"));
            failed.push(name.to_string());
        }
    };

    println!("\n\x1b[1;34m═══ size ═══\x1b[0m");
    let outcome = sizes(&app, &bare, &mut report.rows);
    section("size", outcome, &mut report);

    println!("\n\x1b[1;34m═══ start-up and memory after start ═══\x1b[0m");
    let (bare_memory, outcome) = match start_up(&app, &bare, &work, &mut report) {
        Ok(peers) => (peers, Ok(())),
        Err(error) => (Vec::new(), Err(error)),
    };
    section("start-up and memory", outcome, &mut report);

    println!("\n\x1b[1;34m═══ WebDriver flow: typing, memory after the flow, requests ═══\x1b[0m");
    let outcome = webdriver_flow(&app, &work, bare_memory, &mut report);
    section("WebDriver flow", outcome, &mut report);

    println!("\n\x1b[1;34m═══ validation against libphonenumber-js ═══\x1b[0m");
    let outcome = validation::single_checks(&mut report.rows, &mut report.sections);
    section("validation (criterion)", outcome, &mut report);
    let outcome = validation::batch_throughput(
        &root.join("target/release/mail-identity-cli"),
        &corpus_path(),
        &mut report.rows,
    );
    section("validation (batch)", outcome, &mut report);

    println!("\n\x1b[1;34m═══ sync stampede ═══\x1b[0m");
    let outcome = stampede::run(
        &root.join("target/release/stampede"),
        &mut report.rows,
        &mut report.sections,
    );
    section("stampede", outcome, &mut report);

    let build_secs: f64 = std::env::var(BUILD_SECS)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0);
    report
        .notes
        .extend(notes(build_secs, started.elapsed().as_secs_f64()));
    let text = report.render(&header());
    let path = work.join("report.md");
    std::fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("\n{text}\nwritten to {}", path.display());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("these parts failed: {}", failed.join(", ")))
    }
}

/// Start-up and memory after start of the app and the bare window (as built, and painting without
/// GPU compositing); the bare window's memory for later ratios.
fn start_up(
    app: &Path,
    bare: &Path,
    work: &Path,
    report: &mut Report,
) -> Result<Vec<flow::BarePeer>, String> {
    let runs = work.join("runs");
    let _ = std::fs::remove_dir_all(&runs);
    let subjects = [
        desktop::Subject {
            name: "mail-identity",
            binary: app.to_path_buf(),
            // Signed out, and a release build without policy names no server (environment
            // variables are for debug builds only): nothing leaves the machine.
            env: Vec::new(),
        },
        desktop::Subject {
            name: "bare-tauri",
            binary: bare.to_path_buf(),
            env: Vec::new(),
        },
        // The app paints without WebKitGTK's GPU compositor (src-tauri/src/window.rs); the bare
        // window with the same choice shows what that choice alone is worth.
        desktop::Subject {
            name: "bare-tauri-no-gpu-compositing",
            binary: bare.to_path_buf(),
            env: vec![("WEBKIT_DISABLE_COMPOSITING_MODE", "1".into())],
        },
    ];
    let starts = desktop::measure(&subjects, STARTS, &runs)?;
    desktop_rows(&starts, report)
}

/// The ignored e2e test `bench::bench_first_use_flow`, driving `app` (the measured binary, not the
/// test build's own, which links the test's dev-dependency features in).
fn webdriver_flow(
    app: &Path,
    work: &Path,
    bare_memory: Vec<flow::BarePeer>,
    report: &mut Report,
) -> Result<(), String> {
    let flow_out = work.join("flow.json");
    let _ = std::fs::remove_file(&flow_out);
    let driver = tools::tauri_driver_path().ok_or("tauri-driver is not installed")?;
    let mut args = FLOW_TEST.to_vec();
    // `--exact` with the full name: only the bench, never the flows of the test command.
    args.extend([
        "--",
        "--ignored",
        "--exact",
        "bench::bench_first_use_flow",
        "--test-threads=1",
        "--nocapture",
    ]);
    // A release build takes its server from policy only (not from `MAIL_IDENTITY_*`, which any
    // program running as the user could set): the harness writes each round's server into the
    // system policy file, root-owned as an administrator's would be. The machine's own file is put
    // back afterwards.
    if !running_as_root() {
        return Err(format!(
            "the flow bench points the release app at its server through {} (as IT would): run it as root",
            crate::deb::POLICY_FILE
        ));
    }
    let _policy = crate::deb::PolicyOverride::aside()?;
    let mut flow_test = cmd("cargo", &args);
    flow_test
        .env("MAIL_IDENTITY_E2E", "1")
        .env("MAIL_IDENTITY_E2E_POLICY_FILE", crate::deb::POLICY_FILE)
        .env("MAIL_IDENTITY_BENCH_OUT", &flow_out)
        .env("MAIL_IDENTITY_BENCH_ROUNDS", FLOW_ROUNDS.to_string())
        .env("MAIL_IDENTITY_E2E_APP", app)
        // A release build lets WebDriver automate its web view only when asked to.
        .env("TAURI_WEBVIEW_AUTOMATION", "true")
        .env("TAURI_DRIVER", &driver);
    exec::run(&mut flow_test)?;
    let figures = std::fs::read_to_string(&flow_out)
        .map_err(|e| format!("the flow bench wrote no figures: {e}"))?;
    let figures: serde_json::Value =
        serde_json::from_str(&figures).map_err(|e| format!("the flow figures: {e}"))?;
    flow::rows(&figures, &bare_memory, report)
}

/// True when xtask runs as root (the flow bench writes the system policy file).
fn running_as_root() -> bool {
    cmd("id", &["-u"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Start-up and memory-after-start rows; returns the bare window's memory after start (PSS, RSS in
/// MiB), as built and without GPU compositing, for the after-the-flow ratios.
fn desktop_rows(
    starts: &[Vec<desktop::Start>],
    report: &mut Report,
) -> Result<Vec<flow::BarePeer>, String> {
    let [app, bare, bare_software] = starts else {
        return Err("start-up: expected three subjects".into());
    };
    let summary = |runs: &[desktop::Start], f: &dyn Fn(&desktop::Start) -> f64| {
        Summary::of(&runs.iter().map(f).collect::<Vec<_>>())
    };
    let ms = |s: &desktop::Start| s.interactive_ms;
    let pss = |s: &desktop::Start| s.memory.total.pss_kib as f64 / 1024.0;
    let rss = |s: &desktop::Start| s.memory.total.rss_kib as f64 / 1024.0;
    let (Some(app_ms), Some(bare_ms)) = (summary(app, &ms), summary(bare, &ms)) else {
        return Err("start-up: no runs".into());
    };
    let ratio = app_ms.median / bare_ms.median;
    report.rows.push(
        Row::new(
            format!("start-up: spawn → first screen interactive, {STARTS} runs under Xvfb"),
            app_ms.show(0, "ms"),
        )
        .peer(bare_ms.show(0, "ms"), Some(ratio))
        .target("≤ 1.3×", Some(ratio <= 1.3)),
    );
    let mut peers = Vec::new();
    for (peer_runs, label, has_target) in [
        (bare, "bare Tauri", true),
        (bare_software, "bare Tauri without GPU compositing", false),
    ] {
        let mut memory = Vec::new();
        for (kind, f) in [
            ("PSS", &pss as &dyn Fn(&desktop::Start) -> f64),
            ("RSS", &rss),
        ] {
            let (Some(ours), Some(peer)) = (summary(app, f), summary(peer_runs, f)) else {
                continue;
            };
            let ratio = ours.median / peer.median;
            let row = Row::new(
                format!("memory {kind} 2 s after the first screen (app + WebKit processes)"),
                ours.show(1, "MiB"),
            )
            .peer(format!("{} ({label})", peer.show(1, "MiB")), Some(ratio));
            report.rows.push(if has_target {
                row.target("≤ 1.3×", Some(ratio <= 1.3))
            } else {
                row
            });
            memory.push(peer);
        }
        if let [pss, rss] = memory[..] {
            peers.push(flow::BarePeer {
                label,
                pss,
                rss,
                has_target,
            });
        }
    }
    let by_process = |runs: &[desktop::Start]| {
        let pairs: Vec<Vec<(String, u64)>> = runs
            .iter()
            .map(|s| {
                s.memory
                    .processes
                    .iter()
                    .map(|p| (p.name.clone(), p.memory.pss_kib))
                    .collect()
            })
            .collect();
        stats::pss_by_process(&pairs)
    };
    report.notes.push(format!(
        "PSS 2 s after the first screen by process, median: this app {}; bare Tauri {}; bare Tauri without GPU compositing {}.",
        by_process(app),
        by_process(bare),
        by_process(bare_software)
    ));
    Ok(peers)
}

/// Binary and .deb sizes.
fn sizes(app: &Path, bare: &Path, rows: &mut Vec<Row>) -> Result<(), String> {
    let size = |path: &Path| -> Result<f64, String> {
        std::fs::metadata(path)
            .map(|m| m.len() as f64 / (1024.0 * 1024.0))
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let (ours, peer) = (size(app)?, size(bare)?);
    let ratio = ours / peer;
    rows.push(
        Row::new("size: release binary", format!("{ours:.2} MiB"))
            .peer(format!("{peer:.2} MiB"), Some(ratio))
            .target("≤ 2×", Some(ratio <= 2.0)),
    );
    let debs = repo_root().join("target/release/bundle/deb");
    let (ours, peer) = (
        size(&deb(&debs, "mail-identity")?)?,
        size(&deb(&debs, "bare-tauri")?)?,
    );
    rows.push(
        Row::new("size: .deb", format!("{ours:.2} MiB"))
            .peer(format!("{peer:.2} MiB"), Some(ours / peer)),
    );
    Ok(())
}

/// The newest `<name>_*.deb` in `dir`.
fn deb(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let prefix = format!("{name}_");
    std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".deb"))
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .ok_or(format!("no {name} .deb in {}", dir.display()))
}

/// The fixture must be built exactly like the app: its `[profile.release]` equals the root's.
fn same_release_profile() -> Result<(), String> {
    let root = repo_root();
    let read = |path: PathBuf| {
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let ours = release_profile(&read(root.join("Cargo.toml"))?);
    let bare = release_profile(&read(root.join(BARE).join("Cargo.toml"))?);
    if ours.is_empty() || ours != bare {
        return Err(format!(
            "{BARE}/Cargo.toml's [profile.release] must equal the root's, so that the comparison is \
             fair: root {ours:?}, bare {bare:?}"
        ));
    }
    Ok(())
}

/// The settings of `[profile.release]`, without comments and blank lines.
fn release_profile(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .skip_while(|l| l.trim() != "[profile.release]")
        .skip(1)
        .map(|l| l.split('#').next().unwrap_or_default().trim().to_string())
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.is_empty())
        .collect()
}

fn header() -> String {
    let commit = cmd("git", &["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let dirty = cmd("git", &["status", "--porcelain", "--untracked-files=no"])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let date = cmd("date", &["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!(
        "# mail-identity benchmarks\n\n`cargo xtask bench` at {commit}{}, {date}, on {cores} × {cpu} (Linux, Xvfb).",
        if dirty { " (with uncommitted changes)" } else { "" }
    )
}

fn notes(build_secs: f64, measure_secs: f64) -> Vec<String> {
    vec![
        "Ratio: this app's figure ÷ the other's. For times and sizes lower is better; for throughput higher is better.".into(),
        "Each figure: median, and in parentheses the smallest and largest run (for criterion, the 95 % confidence interval of its median).".into(),
        format!("Start-up: the process spawned until the mark the page sends after its first screen has mounted and two frames have passed; {STARTS} runs each after one warm-up start (not counted), the two apps alternating, each with its own profile kept between runs. The app starts signed out (its first screen is the sign-in form) and is pointed at a loopback port where nothing listens."),
        "Memory: PSS (shared pages divided among the processes that share them) and RSS (counted in each), summed over the app's process and every process under it (WebKit's web and network processes), 2 s after the mark, from /proc/<pid>/smaps_rollup. The app paints without WebKitGTK's GPU compositor (src-tauri/src/window.rs); the bare window is measured as built (the ≤ 1.3× target) and with WEBKIT_DISABLE_COMPOSITING_MODE=1, the same choice.".into(),
        format!("WebDriver flow ({FLOW_ROUNDS} rounds, release build, tests/e2e/bench.rs): a fresh reference server behind a counting proxy; start signed out, sign in (pending@corp.example), agree to the consent, 1,000 check_phone_input calls through the page's IPC as a keystroke makes them (reformatted text, caret and verdict in one call), type an e-mail and a mobile number, save; memory 2 s later; then the same user starts the app again. Requests and bytes are HTTP/1.1 on the wire (headers included) per step."),
        "Typing: WebKitGTK rounds `performance.now()` to whole milliseconds, so each round trip is known to ±1 ms; the percentiles are of those rounded samples.".into(),
        "Validation: criterion (1 s warm-up, 3 s measurement) for the core; the same inputs through libphonenumber-js (max metadata) in Node for the peer. Batch: the phone-diff corpus through `mail-identity-cli phone batch` and through crates/cli/bench/libphonenumber_js_batch.cjs, whole processes, 5 runs each alternating.".into(),
        format!("Wall time: {:.1} min building, {:.1} min measuring.", build_secs / 60.0, measure_secs / 60.0),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_release_profile_settings() {
        let manifest = "[profile.dev]\npanic = \"unwind\"\n\n[profile.release]\n# why\npanic = \"unwind\"\nlto = \"thin\" # note\n\n[dependencies]\nx = 1\n";
        assert_eq!(
            release_profile(manifest),
            vec!["panic = \"unwind\"", "lto = \"thin\""]
        );
    }

    #[test]
    fn the_bare_fixture_is_built_with_the_app_s_release_profile() {
        same_release_profile().expect("the profiles match");
    }
}
