//! The offline-first figures of `cargo xtask bench` (part of each round of `bench.rs`): a
//! signed-in start until the user's masked info is on screen with the server answering at once,
//! after 1.5 s, and never (a gate in front of it, `sync_tests::gate`), and how long a save holds
//! the screen while the server is silent. Asserts nothing about time.
//!
//! A start's figure is the app's own: the process start until its first screen is painted and
//! takes input (the "first screen interactive" line of its log, the mark `cargo xtask bench` also
//! times), taken only once WebDriver sees the masked info on that screen.

use crate::support::App;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use sync_tests::gate::{Gate, Mode};

/// What the screen says, by catalog key.
fn ko(key: &str) -> String {
    rust_i18n::t!(key, locale = "ko").into_owned()
}

/// The three networks, named as the report names them.
const NETWORKS: [(&str, Mode); 3] = [
    ("answering", Mode::Pass),
    ("after_1_5_s", Mode::Delay(Duration::from_millis(1500))),
    ("silent", Mode::Silent),
];

/// Starts the signed-in user's app (profile `home`, pointed at `gate`) once per network, then
/// saves the same values while the server is silent. Gives the figures and the profile back.
pub async fn figures(
    home: PathBuf,
    gate: &Gate,
    writes_applied: impl Fn() -> u64,
    email_mask: &str,
    email: &str,
) -> (Value, PathBuf) {
    let mut starts = serde_json::Map::new();
    let mut home = home;
    for (name, mode) in NETWORKS {
        gate.set(mode);
        let seen = interactive_lines(&home).len();
        let app = App::launch_at(home, "C.UTF-8", Some(gate.base_url())).await;
        app.find_text_containing(email_mask).await;
        let interactive_ms = app_interactive_ms(&app, seen).await;
        starts.insert(name.into(), json!({ "interactive_ms": interactive_ms }));
        // The next start begins where this one would have ended: checked and synced.
        gate.set(Mode::Pass);
        app.find_text_containing(&ko("sync.synced")).await;
        home = app.stop().await;
    }

    gate.set(Mode::Pass);
    let app = App::launch_at(home, "C.UTF-8", Some(gate.base_url())).await;
    app.find_text_containing(&ko("sync.synced")).await;
    app.click_button(&ko("settings.change")).await;
    app.find_heading(&ko("form.title")).await;
    let field = app.field(&ko("form.email")).await;
    app.until("the form is prefilled", || {
        let field = field.clone();
        async move { field.prop("value").await.ok().flatten().as_deref() == Some(email) }
    })
    .await;
    gate.set(Mode::Silent);
    let writes = writes_applied();
    let started = Instant::now();
    app.click_button(&ko("form.save")).await;
    app.find_heading(&ko("result.title")).await;
    let held_ms = started.elapsed().as_secs_f64() * 1000.0;
    gate.set(Mode::Pass);
    app.until("the queued save reaches the server", || async {
        writes_applied() > writes
    })
    .await;
    let home = app.stop().await;
    (
        json!({ "signed_in_starts": starts, "silent_save_held_ms": held_ms }),
        home,
    )
}

/// The "first screen interactive after N ms" of the start after the `seen` earlier ones.
async fn app_interactive_ms(app: &App, seen: usize) -> f64 {
    let mut found = None;
    app.until("the app logs its first interactive screen", || {
        let lines = interactive_lines(app.home());
        found = lines.get(seen).copied();
        let logged = lines.len();
        async move { logged > seen }
    })
    .await;
    found.unwrap_or(f64::NAN)
}

/// Every "first screen interactive after N ms" the app has logged under `home`, oldest first.
fn interactive_lines(home: &Path) -> Vec<f64> {
    let mut files = Vec::new();
    let mut pending = vec![home.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.to_string_lossy().contains("logs/mail-identity") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .flat_map(|text| {
            text.lines()
                .filter_map(|line| {
                    let rest = line.split("first screen interactive after ").nth(1)?;
                    rest.split_whitespace().next()?.parse::<f64>().ok()
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
