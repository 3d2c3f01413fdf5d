//! The stampede figures of the sync issue: 1,000 engines saving at once into a server that refuses
//! 30 % of requests for a minute (`crates/sync-tests/src/bin/stampede.rs`), as it prints them.

use super::report::Row;
use super::validation::run_output;
use std::path::Path;
use std::process::Command;

/// Runs the stampede binary; its figures become rows, its output a section of the report.
pub fn run(
    binary: &Path,
    rows: &mut Vec<Row>,
    sections: &mut Vec<(String, String)>,
) -> Result<(), String> {
    let output = run_output(
        Command::new(binary),
        "stampede (1,000 sync engines, 503@30% for 60 s)",
    )?;
    let value = |prefix: &str| -> String {
        output
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .map(|v| v.trim().to_string())
            .unwrap_or_else(|| "not printed".into())
    };
    for (figure, prefix) in [
        (
            "sync stampede: requests per applied save, overall",
            "requests per applied save, overall:",
        ),
        (
            "sync stampede: after the faults cleared",
            "after the faults cleared:",
        ),
        (
            "sync stampede: peak requests per second",
            "peak requests per second:",
        ),
        (
            "sync stampede: time until all synced",
            "time until all synced:",
        ),
        ("sync stampede: saves applied", "saves applied:"),
    ] {
        rows.push(Row::new(format!("{figure} (1 run)"), value(prefix)));
    }
    sections.push(("stampede output".into(), output));
    Ok(())
}
