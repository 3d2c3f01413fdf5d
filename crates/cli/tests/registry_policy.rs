//! Machine (`HKLM`) and user (`HKCU`) policy in the Windows registry, written with `reg add` as
//! Group Policy leaves it, read back through `mail-identity-cli policy show --json`: each key's
//! value, its source (HKLM over HKCU, a refused machine value falling back to the user's) and its
//! lock. It writes under `HKLM\SOFTWARE\Policies`, so it runs only where that is meant to happen:
//! `cargo xtask test windows` sets `MAIL_IDENTITY_REGISTRY_TEST=1` for its Wine prefix. The values
//! are removed afterwards, also when the test fails.

/// Asks for a run that may write machine policy.
const GATE: &str = "MAIL_IDENTITY_REGISTRY_TEST";

#[test]
fn machine_policy_wins_over_user_policy_in_the_registry() {
    if std::env::var_os(GATE).is_none_or(|v| v != "1") {
        eprintln!(
            "SKIPPED registry policy test: it writes machine policy (HKLM); set {GATE}=1 where \
             that is allowed (`cargo xtask test windows` does, in its own Wine prefix)"
        );
        return;
    }
    #[cfg(windows)]
    windows::run();
    #[cfg(not(windows))]
    panic!("{GATE}=1, but the registry exists only on Windows");
}

#[cfg(windows)]
mod windows {
    use serde_json::{json, Value};
    use std::process::Command;

    /// The key in both hives, as in `crates/core/src/policy/sources.rs`.
    const POLICY_KEY: &str = r"SOFTWARE\Policies\Mailplug\MailIdentity";

    /// `(hive, value name, registry type, data)`: some keys in both hives with different values,
    /// a machine value of the wrong type, Korean text.
    const VALUES: &[(&str, &str, &str, &str)] = &[
        (
            "HKLM",
            "api_base_url",
            "REG_SZ",
            "https://mail.hklm.example.co.kr/api",
        ),
        (
            "HKCU",
            "api_base_url",
            "REG_SZ",
            "https://mail.hkcu.example.co.kr/api",
        ),
        ("HKLM", "draft_lifetime_days", "REG_DWORD", "14"),
        ("HKCU", "draft_lifetime_days", "REG_DWORD", "30"),
        (
            "HKLM",
            "helpdesk.phone.ko",
            "REG_SZ",
            "02-1234-5678 (내선 2)",
        ),
        (
            "HKLM",
            "helpdesk.phone.en",
            "REG_SZ",
            "+82 2-1234-5678 (ext. 2)",
        ),
        // Ignored: `helpdesk` is taken whole from the highest source, never mixed across hives.
        ("HKCU", "helpdesk.hours.ko", "REG_SZ", "평일 09:00-18:00"),
        // The wrong type in HKLM: reported, the key stays locked, and HKCU's value counts.
        ("HKLM", "webmail_url", "REG_DWORD", "1"),
        (
            "HKCU",
            "webmail_url",
            "REG_SZ",
            "https://webmail.hkcu.example.co.kr",
        ),
        ("HKCU", "log_level", "REG_SZ", "debug"),
        ("HKCU", "default_overseas_country", "REG_SZ", "JP"),
    ];

    /// What `policy show --json` must say about [`VALUES`], key by key.
    fn expected() -> Vec<(&'static str, Value)> {
        vec![
            (
                "api_base_url",
                json!({"value": "https://mail.hklm.example.co.kr/api", "source": "hklm_policy"}),
            ),
            (
                "draft_lifetime_days",
                json!({"value": 14, "source": "hklm_policy"}),
            ),
            (
                "helpdesk",
                json!({"value": {
                    "phone": {"ko": "02-1234-5678 (내선 2)", "en": "+82 2-1234-5678 (ext. 2)"},
                    "url": null,
                    "hours": null,
                }, "source": "hklm_policy"}),
            ),
            (
                "webmail_url",
                json!({"value": "https://webmail.hkcu.example.co.kr", "source": "hkcu_policy"}),
            ),
            (
                "log_level",
                json!({"value": "debug", "source": "hkcu_policy"}),
            ),
            (
                "default_overseas_country",
                json!({"value": "JP", "source": "hkcu_policy"}),
            ),
            ("proxy", Value::Null),
            ("extra_root_ca", Value::Null),
            ("default_locale", Value::Null),
            // The lock: every key either hive mentions, the refused one included.
            (
                "managed",
                json!([
                    "api_base_url",
                    "webmail_url",
                    "helpdesk",
                    "default_overseas_country",
                    "draft_lifetime_days",
                    "log_level"
                ]),
            ),
            (
                "problems",
                json!([{
                    "source": "hklm_policy",
                    "key": "webmail_url",
                    "kind": "wrong_type",
                    "expected": "text"
                }]),
            ),
        ]
    }

    fn reg(args: &[&str]) -> std::process::Output {
        Command::new("reg")
            .args(args)
            .output()
            .expect("reg.exe runs")
    }

    /// The test's keys in both hives for as long as this value lives.
    struct Written;

    impl Written {
        fn write() -> Written {
            let written = Written;
            written.remove();
            for (hive, name, kind, data) in VALUES {
                let key = format!(r"{hive}\{POLICY_KEY}");
                let out = reg(&["add", &key, "/v", name, "/t", kind, "/d", data, "/f"]);
                assert!(
                    out.status.success(),
                    "reg add {key} /v {name}: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            written
        }

        fn remove(&self) {
            for hive in ["HKLM", "HKCU"] {
                // Fails harmlessly when the key is not there.
                reg(&["delete", &format!(r"{hive}\{POLICY_KEY}"), "/f"]);
            }
        }
    }

    impl Drop for Written {
        fn drop(&mut self) {
            self.remove();
        }
    }

    pub fn run() {
        let written = Written::write();
        let mut cli = Command::new(env!("CARGO_BIN_EXE_mail-identity-cli"));
        cli.args(["policy", "show", "--json"]);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("MAIL_IDENTITY_") {
                cli.env_remove(name);
            }
        }
        let out = cli.output().expect("the CLI runs");
        drop(written);
        let stdout = String::from_utf8_lossy(&out.stdout);
        // Exit status 1: the wrong-typed value is a problem, and problems fail a deployment check.
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        let shown: Value = serde_json::from_str(&stdout).expect("JSON");
        let wrong: Vec<String> = expected()
            .into_iter()
            .filter(|(key, value)| shown.get(key) != Some(value))
            .map(|(key, value)| {
                let got = shown.get(key).unwrap_or(&Value::Null);
                format!("  {key}: expected {value}, shown {got}")
            })
            .collect();
        assert!(
            wrong.is_empty(),
            "registry policy read wrongly:\n{}",
            wrong.join("\n")
        );
    }
}
