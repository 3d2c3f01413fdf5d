//! The NSIS installer's policy switches, proven under Wine: `installer/nsis/hooks.nsh` compiled by
//! makensis into a test installer (`installer/nsis/test/hooks-test.nsi`), installed silently with
//! every documented switch from a `.bat` (Wine quotes an argument only when it has spaces, and the
//! switches must reach the installer quoted as IT's scripts write them), read back through the
//! Windows `mail-identity-cli policy show --json`, then uninstalled silently.
//!
//! Two rounds:
//! 1. every switch, in the three spellings the hooks accept; the CLI sees each value with its
//!    source `hklm_policy`; a quoted `/UPDATES_ENABLED=0` does not put the installer into update
//!    mode; the uninstall removes everything the installer wrote and leaves no empty keys;
//! 2. a value an administrator set by Group Policy before the install stays through an update's
//!    uninstall (`/UPDATE`, which keeps what the installer wrote) and a real uninstall (which
//!    removes only what the installer wrote).

use super::Wine;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

const POLICY_KEY: &str = r"HKLM\SOFTWARE\Policies\Mailplug\MailIdentity";
const MARKER_KEY: &str = r"HKLM\SOFTWARE\Mailplug\MailIdentity\InstallerPolicy";
/// Where the test installer records whether it ran in update mode (outside every key the hooks
/// own, so that it never keeps one of theirs from being removed).
const PROBE_KEY: &str = r"HKLM\SOFTWARE\MailIdentityHooksTest";
const INSTALL_DIR: &str = r"C:\Program Files\mail-identity-hooks-test";
/// The helpdesk hours in Korean, handed to the batch file through the environment: Wine's `cmd`
/// reads a batch file in the OEM code page (437 under a C.UTF-8 locale; a Korean Windows reads it
/// as 949, the code page its administrators save scripts in), so Korean written into the file
/// itself would arrive as mojibake here, while the environment reaches Windows as Unicode.
const HOURS: &str = "평일 09:00 ~ 18:00 (점심시간 12:00 ~ 13:00 제외)";

/// Every switch of the admin guide, with a value the policy accepts, in the spellings the hooks
/// read: `"/NAME=value"` (recommended), `/NAME="value"`, and `/NAME=value` for values without spaces.
const SWITCHES: &[&str] = &[
    r#""/API_BASE_URL=https://mail.example.co.kr/api""#,
    r#""/WEBMAIL_URL=https://mail.example.co.kr/""#,
    r#""/HELPDESK_PHONE=02-1234-5678""#,
    r#"/HELPDESK_URL="https://helpdesk.example.co.kr/ask""#,
    r#""/HELPDESK_HOURS=%MI_TEST_HOURS%""#,
    r#""/DEFAULT_LOCALE=en""#,
    r#""/ALLOWED_LOCALES=ko,en""#,
    r#"/DEFAULT_OVERSEAS_COUNTRY=JP"#,
    r#""/PROXY=http://proxy.example.co.kr:3128""#,
    r#""/EXTRA_ROOT_CA=C:\ProgramData\Mailplug\MailIdentity\corp-root.pem""#,
    r#""/DRAFT_LIFETIME_DAYS=14""#,
    r#""/UPDATES_ENABLED=0""#,
    r#""/UPDATES_ENDPOINT=https://updates.example.co.kr/mail-identity/latest.json""#,
    r#""/LOG_LEVEL=debug""#,
];

/// Builds the test installer, runs both rounds, and cleans up what it wrote in the registry.
pub fn run(wine: &Wine, cli_exe: &Path, root: &Path) -> Result<(), String> {
    let drive_c = wine.prefix.join("drive_c");
    let installer = drive_c.join("mail-identity-hooks-test.exe");
    build_installer(root, &installer)?;
    let cli = drive_c.join("mail-identity-cli.exe");
    std::fs::copy(cli_exe, &cli).map_err(|e| format!("copying the Windows CLI: {e}"))?;
    clean(wine);
    let result = every_switch(wine, &drive_c).and_then(|()| group_policy_stays(wine, &drive_c));
    clean(wine);
    result
}

fn build_installer(root: &Path, out: &Path) -> Result<(), String> {
    let script = root.join("installer/nsis/test/hooks-test.nsi");
    let status = Command::new("makensis")
        .arg("-V2")
        .arg("-INPUTCHARSET")
        .arg("UTF8")
        .arg(format!("-DOUTFILE={}", out.display()))
        .arg(&script)
        .status()
        .map_err(|e| format!("makensis could not start: {e}"))?;
    if !status.success() {
        return Err(format!("makensis failed on {}: {status}", script.display()));
    }
    Ok(())
}

/// Round 1: every switch in, read back, and all of it out again.
fn every_switch(wine: &Wine, drive_c: &Path) -> Result<(), String> {
    install(wine, drive_c, SWITCHES)?;
    if probe(wine, "install_update_mode")?.as_deref() != Some("0") {
        return Err("a quoted \"/UPDATES_ENABLED=0\" put the installer into update mode".into());
    }
    let policy = policy_show(wine, drive_c)?;
    let machine =
        |key: &str, expected: Value| expect_setting(&policy, key, expected, "hklm_policy");
    machine("api_base_url", "https://mail.example.co.kr/api".into())?;
    machine("webmail_url", "https://mail.example.co.kr/".into())?;
    let hours = HOURS;
    machine(
        "helpdesk",
        serde_json::json!({
            "phone": {"ko": "02-1234-5678", "en": "02-1234-5678"},
            "url": {"ko": "https://helpdesk.example.co.kr/ask", "en": "https://helpdesk.example.co.kr/ask"},
            "hours": {"ko": hours, "en": hours},
        }),
    )?;
    machine("default_locale", "en".into())?;
    machine("allowed_locales", serde_json::json!(["ko", "en"]))?;
    machine("default_overseas_country", "JP".into())?;
    machine("proxy", "http://proxy.example.co.kr:3128".into())?;
    machine(
        "extra_root_ca",
        r"C:\ProgramData\Mailplug\MailIdentity\corp-root.pem".into(),
    )?;
    machine("draft_lifetime_days", 14.into())?;
    machine(
        "updates",
        serde_json::json!({
            "enabled": false,
            "endpoint": "https://updates.example.co.kr/mail-identity/latest.json",
        }),
    )?;
    machine("log_level", "debug".into())?;
    if policy["problems"].as_array().is_some_and(|p| !p.is_empty()) {
        return Err(format!(
            "the installed policy has problems: {}",
            policy["problems"]
        ));
    }
    uninstall(wine, drive_c, false)?;
    for key in [POLICY_KEY, MARKER_KEY] {
        if reg_key_exists(wine, key) {
            return Err(format!("{key} is still there after the uninstall"));
        }
    }
    println!(
        "nsis hooks: {} switches installed, read back and removed",
        SWITCHES.len()
    );
    Ok(())
}

/// Round 2: a Group Policy value survives an update's uninstall and a real one.
fn group_policy_stays(wine: &Wine, drive_c: &Path) -> Result<(), String> {
    reg_add(wine, POLICY_KEY, "log_level", "warn")?;
    install(
        wine,
        drive_c,
        &[
            r#""/API_BASE_URL=https://mail.example.co.kr/api""#,
            r#""/UPDATES_ENABLED=0""#,
        ],
    )?;
    uninstall(wine, drive_c, true)?;
    let policy = policy_show(wine, drive_c)?;
    expect_setting(
        &policy,
        "api_base_url",
        "https://mail.example.co.kr/api".into(),
        "hklm_policy",
    )
    .map_err(|e| format!("after an update's uninstall (/UPDATE): {e}"))?;
    install(
        wine,
        drive_c,
        &[r#""/API_BASE_URL=https://mail.example.co.kr/api""#],
    )?;
    uninstall(wine, drive_c, false)?;
    let policy = policy_show(wine, drive_c)?;
    expect_setting(&policy, "log_level", "warn".into(), "hklm_policy")
        .map_err(|e| format!("the Group Policy value after the uninstall: {e}"))?;
    if !policy["api_base_url"].is_null() {
        return Err(format!(
            "the installer's api_base_url outlived the uninstall: {}",
            policy["api_base_url"]
        ));
    }
    if reg_key_exists(wine, MARKER_KEY) {
        return Err(format!("{MARKER_KEY} is still there after the uninstall"));
    }
    println!("nsis hooks: a Group Policy value stays through an update and an uninstall");
    Ok(())
}

fn install(wine: &Wine, drive_c: &Path, switches: &[&str]) -> Result<(), String> {
    let line = format!(r"C:\mail-identity-hooks-test.exe /S {}", switches.join(" "));
    run_bat(wine, drive_c, "install.bat", &line)
}

fn uninstall(wine: &Wine, drive_c: &Path, update: bool) -> Result<(), String> {
    // `_?=` runs the uninstaller in place, so that the batch waits for it.
    let update = if update { " /UPDATE" } else { "" };
    let line = format!(r#""{INSTALL_DIR}\uninstall.exe" /S{update} _?={INSTALL_DIR}"#);
    run_bat(wine, drive_c, "uninstall.bat", &line)
}

/// Runs one command line from a batch file, as an administrator's deployment script would.
fn run_bat(wine: &Wine, drive_c: &Path, name: &str, line: &str) -> Result<(), String> {
    let text = format!("@echo off\r\n{line}\r\n");
    std::fs::write(drive_c.join(name), text).map_err(|e| format!("writing {name}: {e}"))?;
    let status = wine
        .command()
        .args(["cmd", "/c", &format!(r"C:\{name}")])
        .env("MI_TEST_HOURS", HOURS)
        .current_dir(drive_c)
        .status()
        .map_err(|e| format!("wine could not start {name}: {e}"))?;
    wine.wait();
    if !status.success() {
        return Err(format!("{name} ended with {status}"));
    }
    Ok(())
}

/// The effective policy as the Windows CLI reads this prefix's registry. Its output goes to a file
/// inside the prefix: Wine re-encodes what a Windows program writes to a Linux pipe through the
/// console code page, which would turn the Korean values into mojibake on the way.
fn policy_show(wine: &Wine, drive_c: &Path) -> Result<Value, String> {
    let out = drive_c.join("policy.json");
    let _ = std::fs::remove_file(&out);
    let status = wine
        .command()
        .args([
            "cmd",
            "/c",
            r"C:\mail-identity-cli.exe policy show --json > C:\policy.json",
        ])
        .status()
        .map_err(|e| format!("wine could not start the CLI: {e}"))?;
    wine.wait();
    let text = std::fs::read(&out).map_err(|e| {
        format!("`mail-identity-cli policy show --json` under Wine wrote nothing ({status}): {e}")
    })?;
    serde_json::from_slice(&text)
        .map_err(|e| format!("`mail-identity-cli policy show --json` under Wine gave no JSON: {e}"))
}

/// `key` holds `expected` from `source`, and is listed as managed (shown locked in the app).
fn expect_setting(policy: &Value, key: &str, expected: Value, source: &str) -> Result<(), String> {
    let setting = &policy[key];
    if setting["value"] != expected || setting["source"] != source {
        return Err(format!(
            "{key}: expected {expected} from {source}, the CLI read {setting}"
        ));
    }
    let managed = policy["managed"]
        .as_array()
        .is_some_and(|keys| keys.iter().any(|k| k == key));
    if !managed {
        return Err(format!(
            "{key} is not listed as managed: {}",
            policy["managed"]
        ));
    }
    Ok(())
}

fn probe(wine: &Wine, name: &str) -> Result<Option<String>, String> {
    let output = wine
        .command()
        .args(["reg", "query", PROBE_KEY, "/v", name])
        .output()
        .map_err(|e| format!("wine reg query: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text
        .lines()
        .find(|line| line.trim_start().starts_with(name))
        .and_then(|line| line.split_whitespace().last())
        .map(str::to_string))
}

fn reg_add(wine: &Wine, key: &str, name: &str, value: &str) -> Result<(), String> {
    let status = wine
        .command()
        .args([
            "reg", "add", key, "/v", name, "/t", "REG_SZ", "/d", value, "/f",
        ])
        .status()
        .map_err(|e| format!("wine reg add: {e}"))?;
    wine.wait();
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("wine reg add {key} {name} failed"))
}

fn reg_key_exists(wine: &Wine, key: &str) -> bool {
    wine.command()
        .args(["reg", "query", key])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Removes every key the rounds may have left (a failed round included).
fn clean(wine: &Wine) {
    for key in [
        r"HKLM\SOFTWARE\Policies\Mailplug",
        r"HKLM\SOFTWARE\Mailplug",
        PROBE_KEY,
    ] {
        let _ = wine.command().args(["reg", "delete", key, "/f"]).output();
    }
    wine.wait();
}
