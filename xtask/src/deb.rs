//! The `deb` layer: the Linux package is built, installed and started on every run, so that
//! bundling is proven, not assumed.
//!
//! It packages the binary the other layers built (debug, UI embedded: `tauri bundle` adds no
//! compile), installs the `.deb` with apt (which also checks its dependencies), writes the
//! system-wide policy an administrator would (`/etc/mail-identity/policy.json`), drives the
//! installed `/usr/bin/mail-identity` through WebDriver to the help screen, and finally removes the
//! package and checks nothing of it is left. The machine's own policy file, if any, is put back.

use crate::build::{build_workspace_binaries, e2e_command, BinariesFor};
use crate::exec::{self, cmd, cmd_as_root, repo_root};
use crate::{display, keyring_session, tools};
use std::path::{Path, PathBuf};

const PACKAGE: &str = "mail-identity";
const INSTALLED_BINARY: &str = "/usr/bin/mail-identity";
pub(crate) const POLICY_FILE: &str = "/etc/mail-identity/policy.json";
const POLICY_FIXTURE: &str = "tests/e2e/fixtures/installed-policy.json";

pub fn run() -> Result<(), String> {
    if !cfg!(target_os = "linux") || !exec::on_path("dpkg") {
        println!("skipped: the .deb is built and installed on Debian/Ubuntu only");
        return Ok(());
    }
    let binaries = build_workspace_binaries(BinariesFor::Testing)?;
    exec::run(&mut cmd(
        tools::npm(),
        &[
            "exec",
            "--",
            "tauri",
            "bundle",
            "--debug",
            "--bundles",
            "deb",
            "--ci",
        ],
    ))?;
    let deb = built_package()?;
    report_sizes(&deb, &binaries.join(PACKAGE));

    let installed = install(&deb).and_then(|()| {
        let policy = PolicyOverride::write()?;
        let tested = installed_app_test();
        drop(policy);
        tested
    });
    let removed = remove();
    installed.and(removed)
}

/// The newest `.deb` under `target/debug/bundle/deb/`.
fn built_package() -> Result<PathBuf, String> {
    let dir = repo_root().join("target/debug/bundle/deb");
    std::fs::read_dir(&dir)
        .map_err(|e| format!("no bundle folder {}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "deb"))
        .max_by_key(|path| path.metadata().and_then(|m| m.modified()).ok())
        .ok_or_else(|| format!("tauri bundle wrote no .deb into {}", dir.display()))
}

fn report_sizes(deb: &Path, binary: &Path) {
    let size = |path: &Path| path.metadata().map(|m| m.len()).unwrap_or(0);
    println!(
        "package {}: {:.1} MiB; debug binary inside: {:.1} MiB (release figures: cargo xtask bench)",
        deb.display(),
        size(deb) as f64 / 1_048_576.0,
        size(binary) as f64 / 1_048_576.0
    );
}

/// apt-get rather than dpkg: it installs from the file and refuses missing dependencies the same
/// way an administrator's `apt install ./mail-identity.deb` does.
fn install(deb: &Path) -> Result<(), String> {
    let path = deb.to_string_lossy();
    exec::run(
        cmd_as_root(
            "apt-get",
            &["install", "-y", "-q", "--no-install-recommends", &path],
        )
        .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    let listed = cmd("dpkg", &["-L", PACKAGE])
        .output()
        .map_err(|e| format!("dpkg -L: {e}"))?;
    let files = String::from_utf8_lossy(&listed.stdout);
    for expected in [
        INSTALLED_BINARY,
        "/usr/share/applications/mail-identity.desktop",
    ] {
        if !files.lines().any(|line| line == expected) {
            return Err(format!("the package does not install {expected}"));
        }
    }
    Ok(())
}

fn installed_app_test() -> Result<(), String> {
    let _display = display::ensure()?;
    let mut command = e2e_command("installed")?;
    // The test prints the installed app's start-up figures: keep them in the log.
    command
        .arg("--nocapture")
        .env("MAIL_IDENTITY_INSTALLED_APP", INSTALLED_BINARY);
    exec::run(&mut keyring_session::wrap(command))
}

fn remove() -> Result<(), String> {
    exec::run(
        cmd_as_root("apt-get", &["remove", "-y", "-q", "--purge", PACKAGE])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    if Path::new(INSTALLED_BINARY).exists() {
        return Err(format!("{INSTALLED_BINARY} is still there after removal"));
    }
    Ok(())
}

/// The fixture policy in `/etc/mail-identity/policy.json` for as long as this value lives; the
/// machine's own file (if any) is moved aside and put back, also when the test fails.
pub(crate) struct PolicyOverride {
    saved: Option<PathBuf>,
}

impl PolicyOverride {
    fn write() -> Result<PolicyOverride, String> {
        let aside = PolicyOverride::aside()?;
        let fixture = repo_root().join(POLICY_FIXTURE);
        exec::run(&mut cmd_as_root(
            "install",
            &["-D", "-m", "0644", &fixture.to_string_lossy(), POLICY_FILE],
        ))?;
        Ok(aside)
    }

    /// Moves the machine's own policy file (if any) aside, for a test that writes its own there;
    /// dropping the value removes the test's file and puts the machine's back.
    pub(crate) fn aside() -> Result<PolicyOverride, String> {
        let saved = Path::new(POLICY_FILE)
            .exists()
            .then(|| PathBuf::from(format!("{POLICY_FILE}.before-xtask-test")));
        if let Some(saved) = &saved {
            exec::run(&mut cmd_as_root(
                "mv",
                &[POLICY_FILE, &saved.to_string_lossy()],
            ))?;
        }
        Ok(PolicyOverride { saved })
    }
}

impl Drop for PolicyOverride {
    fn drop(&mut self) {
        let restored = match &self.saved {
            Some(saved) => exec::run(&mut cmd_as_root(
                "mv",
                &[&saved.to_string_lossy(), POLICY_FILE],
            )),
            None => exec::run(&mut cmd_as_root("rm", &["-f", POLICY_FILE])),
        };
        if let Err(error) = restored {
            eprintln!("could not restore {POLICY_FILE}: {error}");
        }
    }
}
