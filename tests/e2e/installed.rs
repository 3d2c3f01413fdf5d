//! The package as IT installs it: the `.deb` built by `cargo xtask test deb`, installed with dpkg,
//! and the system-wide policy in `/etc/mail-identity/policy.json` (this file's fixture). The layer
//! names the installed binary in `MAIL_IDENTITY_INSTALLED_APP`; without it the test is skipped.

use crate::support::{App, Launch};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The policy the `deb` layer writes to `/etc/mail-identity/policy.json`.
const POLICY: &str = include_str!("fixtures/installed-policy.json");

#[tokio::test(flavor = "multi_thread")]
async fn the_installed_package_shows_the_helpdesk_from_the_system_policy() {
    let Some(binary) = std::env::var_os("MAIL_IDENTITY_INSTALLED_APP").map(PathBuf::from) else {
        eprintln!("skipping: set MAIL_IDENTITY_INSTALLED_APP (cargo xtask test deb does)");
        return;
    };
    let policy: serde_json::Value = serde_json::from_str(POLICY).expect("the fixture is JSON");
    let phone = policy["helpdesk"]["phone"]["ko"]
        .as_str()
        .expect("the fixture names a Korean helpdesk number");
    let hours = policy["helpdesk"]["hours"]["ko"]
        .as_str()
        .expect("the fixture names Korean hours");

    let started = Instant::now();
    let app = App::launch_binary(
        Launch {
            os_locale: "C.UTF-8",
            server: None,
        },
        &binary,
    )
    .await;
    app.find_heading("로그인").await;
    // Figures for the notes, not assertions: the app's own log line (process start → first
    // screen interactive), and the wall time including WebDriver's session set-up.
    let logged = interactive_line(app.home()).await;
    println!(
        "installed app: {logged}; session to first screen in {} ms",
        started.elapsed().as_millis()
    );
    app.click_button("문의").await;
    app.find_heading("문의").await;
    app.find_text_containing(phone).await;
    app.find_text_containing(hours).await;
    app.screenshot("installed-help-ko").await;
    app.close().await;
}

/// The installed app's own start-up line from its log in the platform's log directory (which
/// the policy's `log_level` turned to debug); waits a moment for the line to be written.
async fn interactive_line(home: &Path) -> String {
    let logs = home.join(".local/share/com.mailplug.mailidentity/logs");
    for _ in 0..50 {
        let text: String = std::fs::read_dir(&logs)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
            .collect();
        if let Some(line) = text
            .lines()
            .find(|line| line.contains("first screen interactive after"))
        {
            return line.trim().to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the installed app logged no start-up line in {}",
        logs.display()
    );
}
