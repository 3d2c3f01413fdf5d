//! The figures only the running app under WebDriver can give (see `tests/e2e/bench.rs`): the validate
//! command's IPC round trip, memory after the consent + form flow, and the requests and bytes each
//! step puts on the wire.

use super::report::{Report, Row};
use super::stats::{percentile, pss_by_process, Summary};
use serde_json::Value;

/// The typing target: a keystroke's check answered well within a frame.
const TYPING_P95_TARGET_MS: f64 = 5.0;
/// A slow or silent server may cost a signed-in start at most this much over one answering at
/// once: the screen comes from the local store, the server is asked behind it.
const OFFLINE_START_RATIO_TARGET: f64 = 1.05;
/// The longest a save may hold the screen while the server is silent (the hold limit).
const SILENT_SAVE_TARGET_MS: f64 = 2000.0;

/// The bare window's memory after start (MiB), the peer of the memory after the flow (the bare
/// window has no flow to go through).
#[derive(Clone, Copy, Debug)]
pub struct BarePeer {
    pub label: &'static str,
    pub pss: Summary,
    pub rss: Summary,
    /// Whether the issue's ≤ 1.3× target is judged against this peer.
    pub has_target: bool,
}

/// What the rounds wrote, as rows and notes, with the ratios to each of `bare`.
pub fn rows(figures: &Value, bare: &[BarePeer], report: &mut Report) -> Result<(), String> {
    let rows = &mut report.rows;
    let rounds = figures["rounds"]
        .as_array()
        .filter(|r| !r.is_empty())
        .ok_or("the flow bench wrote no rounds")?;

    // Typing: every call of every round together for the percentiles; the spread of the rounds' p95.
    let samples = |round: &Value| -> Vec<f64> {
        round["keystroke_round_trips_ms"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let all: Vec<f64> = rounds.iter().flat_map(samples).collect();
    let per_round_p95: Vec<f64> = rounds
        .iter()
        .filter_map(|r| percentile(&samples(r), 0.95))
        .collect();
    for (name, q) in [("p50", 0.50), ("p95", 0.95), ("p99", 0.99)] {
        let value = percentile(&all, q).ok_or("no validate round trips")?;
        let mut text = format!("{value:.2} ms");
        if name == "p95" {
            if let Some(s) = Summary::of(&per_round_p95) {
                text.push_str(&format!(" (rounds {:.2}–{:.2})", s.min, s.max));
            }
        }
        let row = Row::new(
            format!(
                "typing: a keystroke's IPC round trip (check_phone_input) from the page, {name} of {} calls ({} rounds × 1,000)",
                all.len(),
                rounds.len()
            ),
            text,
        );
        rows.push(if name == "p95" {
            row.target(
                format!("≤ {TYPING_P95_TARGET_MS} ms"),
                Some(value <= TYPING_P95_TARGET_MS),
            )
        } else {
            row
        });
    }

    // Memory after the flow, against the bare window after start (it has no flow to go through).
    let mib = |key: &str| -> Vec<f64> {
        rounds
            .iter()
            .filter_map(|r| r["memory_after_flow"][key].as_f64())
            .map(|kib| kib / 1024.0)
            .collect()
    };
    for (label, key) in [("PSS", "pss_kib"), ("RSS", "rss_kib")] {
        let Some(ours) = Summary::of(&mib(key)) else {
            continue;
        };
        let figure = format!(
            "memory {label} after sign-in + consent + form + save (app + WebKit processes)"
        );
        if bare.is_empty() {
            rows.push(Row::new(figure.clone(), ours.show(1, "MiB")));
        }
        for peer in bare {
            let peer_memory = if label == "PSS" { peer.pss } else { peer.rss };
            let ratio = ours.median / peer_memory.median;
            let row = Row::new(figure.clone(), ours.show(1, "MiB")).peer(
                format!(
                    "{} ({}, after start)",
                    peer_memory.show(1, "MiB"),
                    peer.label
                ),
                Some(ratio),
            );
            rows.push(if peer.has_target {
                row.target("≤ 1.3×", Some(ratio <= 1.3))
            } else {
                row
            });
        }
    }

    let by_process: Vec<Vec<(String, u64)>> = rounds
        .iter()
        .map(|r| {
            r["memory_after_flow"]["by_process"]
                .as_array()
                .map(|processes| {
                    processes
                        .iter()
                        .filter_map(|p| {
                            Some((p["name"].as_str()?.to_string(), p["pss_kib"].as_u64()?))
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    report.notes.push(format!(
        "PSS after the flow by process, median: {}.",
        pss_by_process(&by_process)
    ));
    offline_first_rows(rounds, &mut report.rows);
    let rows = &mut report.rows;

    // Requests and bytes per step, as the server saw them.
    let names: Vec<String> = rounds[0]["phases"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|x| x["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for name in names {
        let phase = |r: &Value| -> Option<Value> {
            r["phases"]
                .as_array()?
                .iter()
                .find(|p| p["name"] == name.as_str())
                .cloned()
        };
        let phases: Vec<Value> = rounds.iter().filter_map(phase).collect();
        let series =
            |key: &str| -> Vec<f64> { phases.iter().filter_map(|p| p[key].as_f64()).collect() };
        let (Some(requests), Some(up), Some(down)) = (
            Summary::of(&series("requests")),
            Summary::of(&series("bytes_up")),
            Summary::of(&series("bytes_down")),
        ) else {
            continue;
        };
        let log: Vec<String> = phases
            .first()
            .and_then(|p| p["log"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|l| l.as_str().map(str::to_string))
            .collect();
        let what = if log.is_empty() {
            "none".to_string()
        } else {
            log.join("; ")
        };
        let noun = if requests.min == 1.0 && requests.max == 1.0 {
            "request"
        } else {
            "requests"
        };
        let ours = format!(
            "{} {noun}, {} B up, {} B down: {what}",
            requests.show(0, "").trim_end(),
            up.show(0, "").trim_end(),
            down.show(0, "").trim_end()
        );
        let row = Row::new(format!("sync: {name}"), ours);
        let row = if name == "start-up, signed in" {
            let one_conditional_get = requests.max <= 1.0
                && log.len() == 1
                && log[0].starts_with("GET ")
                && log[0].contains("if-none-match");
            row.target("one conditional GET", Some(one_conditional_get))
        } else if name.starts_with("1,000 validations") || name == "start-up, signed out" {
            row.target("0 requests", Some(requests.max == 0.0))
        } else {
            row
        };
        rows.push(row);
    }
    Ok(())
}

/// The signed-in start until the masked info is on screen with the server answering at once,
/// after 1.5 s and never, as ratios to the first; and how long a save holds the screen while the
/// server is silent (`tests/e2e/bench_offline.rs`).
fn offline_first_rows(rounds: &[Value], rows: &mut Vec<Row>) {
    let start = |network: &str| -> Option<Summary> {
        let samples: Vec<f64> = rounds
            .iter()
            .filter_map(|r| {
                r["offline_first"]["signed_in_starts"][network]["interactive_ms"].as_f64()
            })
            .collect();
        Summary::of(&samples)
    };
    let Some(answering) = start("answering") else {
        return;
    };
    rows.push(Row::new(
        "signed-in start → masked info on screen, server answering at once",
        answering.show(0, "ms"),
    ));
    for (network, label) in [
        ("after_1_5_s", "server answering after 1.5 s"),
        ("silent", "server never answering"),
    ] {
        let Some(ours) = start(network) else {
            continue;
        };
        let ratio = ours.median / answering.median;
        rows.push(
            Row::new(
                format!("signed-in start → masked info on screen, {label}"),
                ours.show(0, "ms"),
            )
            .peer(
                format!("{} (answering at once)", answering.show(0, "ms")),
                Some(ratio),
            )
            .target(
                format!("≤ {OFFLINE_START_RATIO_TARGET}×"),
                Some(ratio <= OFFLINE_START_RATIO_TARGET),
            ),
        );
    }
    let held: Vec<f64> = rounds
        .iter()
        .filter_map(|r| r["offline_first"]["silent_save_held_ms"].as_f64())
        .collect();
    if let Some(held) = Summary::of(&held) {
        rows.push(
            Row::new(
                "a save with a silent server: 저장 until the screen is back",
                held.show(0, "ms"),
            )
            .target(
                format!("≤ {SILENT_SAVE_TARGET_MS:.0} ms"),
                Some(held.max <= SILENT_SAVE_TARGET_MS),
            ),
        );
    }
}
