//! Validation speed against libphonenumber-js: the core's criterion figures (single checks, as a
//! keystroke makes them) beside the same checks in Node, and `mail-identity-cli phone batch` beside
//! the same batch in Node, on the corpus the phone-diff layer generates.

use super::report::Row;
use super::stats::Summary;
use crate::exec::{self, cmd, repo_root};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Whole-process runs of each batch side, alternating.
const BATCH_RUNS: usize = 5;

/// The criterion benches (short warm-up and measurement: figures for a report, not a paper) and
/// the Node peer of the three phone ones.
pub fn single_checks(
    rows: &mut Vec<Row>,
    sections: &mut Vec<(String, String)>,
) -> Result<(), String> {
    let root = repo_root();
    exec::run(&mut cmd(
        "cargo",
        &[
            "bench",
            "--quiet",
            "-p",
            "mail-identity-core",
            "--bench",
            "validation",
            "--",
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
            "--noplot",
        ],
    ))?;
    let peer = run_output(
        cmd("node", &["crates/core/benches/validation_peer.cjs"]),
        "the libphonenumber-js peer of the criterion benches",
    )?;
    let peer: Value =
        serde_json::from_str(&peer).map_err(|e| format!("the peer printed no JSON: {e}"))?;
    sections.push((
        "libphonenumber-js single checks (ns per call, 15 batches of 2,000)".into(),
        serde_json::to_string_pretty(&peer["benches"]).unwrap_or_default(),
    ));
    for title in [
        "check_phone KR domestic",
        "check_phone overseas, rotating countries",
        "format_as_you_type KR partial",
        "check_email with account",
    ] {
        let ours = criterion_estimate(&root.join("target/criterion"), title)?;
        let ours_text = format!(
            "{} ns (95% CI {:.0}–{:.0})",
            fmt_ns(ours.median),
            ours.min,
            ours.max
        );
        let row = Row::new(
            format!("validation: {title}, median time per call"),
            ours_text,
        );
        let peer_bench = &peer["benches"][title];
        let row = match peer_bench["median_ns"].as_f64() {
            Some(median) => {
                let batches: Vec<f64> = peer_bench["batches_ns"]
                    .as_array()
                    .map(|a| a.iter().filter_map(Value::as_f64).collect())
                    .unwrap_or_default();
                let spread = Summary::of(&batches)
                    .map(|s| format!(" ({:.0}–{:.0})", s.min, s.max))
                    .unwrap_or_default();
                row.peer(
                    format!("libphonenumber-js {} ns{spread}", fmt_ns(median)),
                    Some(ours.median / median),
                )
            }
            None => row.peer("no peer (libphonenumber-js has no e-mail check)", None),
        };
        rows.push(row);
    }
    Ok(())
}

/// The median (and its 95 % confidence interval as min/max) criterion saved for `title`.
fn criterion_estimate(dir: &Path, title: &str) -> Result<Summary, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.filter_map(Result::ok) {
        let new = entry.path().join("new");
        let Ok(benchmark) = std::fs::read_to_string(new.join("benchmark.json")) else {
            continue;
        };
        let benchmark: Value = serde_json::from_str(&benchmark).unwrap_or_default();
        if benchmark["title"].as_str() != Some(title) {
            continue;
        }
        let estimates = std::fs::read_to_string(new.join("estimates.json"))
            .map_err(|e| format!("criterion left no estimates for {title}: {e}"))?;
        let estimates: Value = serde_json::from_str(&estimates)
            .map_err(|e| format!("criterion's estimates for {title}: {e}"))?;
        let median = &estimates["median"];
        let value = |v: &Value| v.as_f64().ok_or(format!("no median for {title}"));
        return Ok(Summary {
            median: value(&median["point_estimate"])?,
            min: value(&median["confidence_interval"]["lower_bound"])?,
            max: value(&median["confidence_interval"]["upper_bound"])?,
            runs: 1,
        });
    }
    Err(format!("criterion saved no result for {title:?}"))
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 100.0 {
        format!("{ns:.0}")
    } else {
        format!("{ns:.1}")
    }
}

/// The CLI batch and the Node batch (`crates/cli/bench/libphonenumber_js_batch.cjs`) over the
/// whole corpus, whole processes (start-up and metadata loading included), alternating.
pub fn batch_throughput(cli: &Path, corpus: &Path, rows: &mut Vec<Row>) -> Result<(), String> {
    let input =
        std::fs::read(corpus).map_err(|e| format!("cannot read {}: {e}", corpus.display()))?;
    let lines = input.iter().filter(|b| **b == b'\n').count();
    let mut ours = Vec::new();
    let mut peer = Vec::new();
    for run in 1..=BATCH_RUNS {
        let cli_rate =
            lines as f64 / time_batch(Command::new(cli).args(["phone", "batch"]), &input, lines)?;
        let mut node = cmd("node", &["crates/cli/bench/libphonenumber_js_batch.cjs"]);
        let node_rate = lines as f64 / time_batch(&mut node, &input, lines)?;
        println!("  batch run {run}/{BATCH_RUNS}: core {cli_rate:.0} lines/s, libphonenumber-js {node_rate:.0} lines/s");
        ours.push(cli_rate);
        peer.push(node_rate);
    }
    let (Some(ours), Some(peer)) = (Summary::of(&ours), Summary::of(&peer)) else {
        return Err("no batch runs".into());
    };
    rows.push(
        Row::new(
            format!(
                "validation: CLI `phone batch` throughput, {lines} corpus lines, whole process"
            ),
            ours.show(0, "lines/s"),
        )
        .peer(
            format!("libphonenumber-js {}", peer.show(0, "lines/s")),
            Some(ours.median / peer.median),
        ),
    );
    Ok(())
}

/// Seconds for `command` to read `input` and write `lines` lines.
fn time_batch(command: &mut Command, input: &[u8], lines: usize) -> Result<f64, String> {
    use std::io::Write;
    let started = Instant::now();
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start {:?}: {e}", command.get_program()))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{:?} failed: {e}", command.get_program()))?;
    let seconds = started.elapsed().as_secs_f64();
    let _ = writer.join();
    let written = output.stdout.iter().filter(|b| **b == b'\n').count();
    if !output.status.success() || written != lines {
        return Err(format!(
            "{:?} wrote {written} lines for {lines} ({})",
            command.get_program(),
            output.status
        ));
    }
    Ok(seconds)
}

/// Runs `command` and returns its standard output.
pub fn run_output(mut command: Command, what: &str) -> Result<String, String> {
    println!("\x1b[1m▶ {what}\x1b[0m");
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start {what}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{what} failed ({})", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
