//! The `windows` layer: the Windows build of the workspace compiled and its tests run under Wine,
//! on Debian/Ubuntu, so that what only Windows compiles (the registry policy reader, the
//! Credential Manager store, Windows file locking and process termination) is built and exercised
//! on every run instead of first on an employee's PC.
//!
//! It installs what it needs when missing (MinGW-w64, 64-bit Wine, the `x86_64-pc-windows-gnu`
//! standard library), keeps its own Wine prefix in `target/wine-prefix`, then:
//! - builds and runs under Wine the tests of the core (unit and integration, the policy tests
//!   among them), the CLI, `sync-tests` and the app (its library's tests; its end-to-end tests
//!   are built, and report themselves skipped: they run on Linux);
//! - checks the rest of the workspace for Windows (the core's bench and example, the reference
//!   server, proc-tree, xtask), so that together every target of the workspace is compiled;
//! - among those tests, `crates/cli/tests/registry_policy.rs` writes machine (`HKLM`) and user
//!   (`HKCU`) policy into the prefix's registry the way Group Policy does, and checks what the
//!   Windows CLI's `policy show --json` makes of it: each key's value, its source (HKLM over HKCU)
//!   and its lock. It runs only when asked to, since it writes machine policy.
//!
//! - the NSIS installer's policy switches ([`nsis_hooks`]): its hooks compiled by makensis into a
//!   64-bit test installer, installed and uninstalled silently under Wine, the policy read back
//!   through the Windows CLI.
//!
//! The MSI is not run here: WiX and msiexec's custom actions need 32-bit Wine, which would add a
//! second architecture to the machine.

mod nsis_hooks;

use crate::build::APP_FEATURES;
use crate::exec::{self, cmd, find_on_path, repo_root};
use crate::setup;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Windows target: MinGW-w64 links it, so no Microsoft SDK is needed on Linux.
const TARGET: &str = "x86_64-pc-windows-gnu";
/// MinGW-w64's C compiler (for the C parts of ring and SQLite, and the Wine shim below) and 64-bit
/// Wine. 32-bit Wine (`wine32`) is not wanted: it would add the i386 architecture to the machine.
/// `nsis` is makensis, for the installer hooks' test installer.
const DEBIAN_PACKAGES: &[&str] = &["gcc-mingw-w64-x86-64", "wine64", "nsis"];
const MINGW_GCC: &str = "x86_64-w64-mingw32-gcc";
/// The packages whose tests run under Wine; `mail-identity` contributes its library's tests.
const TESTED_PACKAGES: &[&str] = &[
    "mail-identity-core",
    "mail-identity-cli",
    "sync-tests",
    "mail-identity",
];

pub fn run() -> Result<(), String> {
    if !cfg!(target_os = "linux") || !exec::on_path("dpkg-query") || !exec::on_path("apt-get") {
        println!("skipped: the Windows build runs under Wine on Debian/Ubuntu only");
        return Ok(());
    }
    setup::install_debian_packages(DEBIAN_PACKAGES)?;
    rust_target()?;
    // Only now: a prefix made before every Wine package is in place comes out broken.
    let wine = Wine::find()?;
    wine.prepare_prefix()?;
    let tested = test(&wine).and_then(|()| installer_hooks(&wine));
    wine.wait();
    tested.and(check_the_rest())
}

/// The NSIS hooks under Wine, read back with the CLI the tests just built for Windows.
fn installer_hooks(wine: &Wine) -> Result<(), String> {
    let cli = target_dir().join("mail-identity-cli.exe");
    nsis_hooks::run(wine, &cli, &repo_root())
}

/// The standard library for the Windows target, added through rustup when it is missing.
fn rust_target() -> Result<(), String> {
    let installed = cmd("rustup", &["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the {TARGET} target: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == TARGET)
    {
        return Ok(());
    }
    exec::run(&mut cmd("rustup", &["target", "add", TARGET]))
}

/// Packages with targets the tests do not build. The tested packages' other targets are built by
/// the tests already; checking the whole workspace instead would type-check the Tauri chain a
/// second time (about three minutes on two cores).
const CHECKED_PACKAGES: &[&str] = &["mail-identity-core", "account-api", "proc-tree", "xtask"];

/// `cargo check` of every target of [`CHECKED_PACKAGES`] for Windows.
fn check_the_rest() -> Result<(), String> {
    let mut args = vec!["check", "--all-targets", "--target", TARGET];
    for package in CHECKED_PACKAGES {
        args.extend(["-p", package]);
    }
    exec::run(&mut cmd("cargo", &args))
}

/// Builds the tests once, puts the WebView2 loader next to them, then runs them under Wine.
fn test(wine: &Wine) -> Result<(), String> {
    let mut args = vec!["test", "--target", TARGET];
    for package in TESTED_PACKAGES {
        args.extend(["-p", package]);
    }
    args.extend(APP_FEATURES);
    let mut build = args.clone();
    build.push("--no-run");
    exec::run(&mut cmd("cargo", &build))?;
    webview2_loader_beside_tests()?;
    let mut run = cmd("cargo", &args);
    wine.env(&mut run)
        .env("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER", &wine.wine)
        // The prefix is this layer's own: its machine policy may be written.
        .env("MAIL_IDENTITY_REGISTRY_TEST", "1");
    exec::run(&mut run)
}

fn target_dir() -> PathBuf {
    repo_root().join("target").join(TARGET).join("debug")
}

/// The app's library links `WebView2Loader.dll` dynamically with MinGW (Tauri's installers ship it
/// beside the app): test executables that load the library need it beside them.
fn webview2_loader_beside_tests() -> Result<(), String> {
    let build = target_dir().join("build");
    let loader = std::fs::read_dir(&build)
        .map_err(|e| format!("{}: {e}", build.display()))?
        .filter_map(Result::ok)
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with("webview2-com-sys-")
        })
        .map(|entry| entry.path().join("out/x64/WebView2Loader.dll"))
        .filter(|path| path.is_file())
        .max_by_key(|path| path.metadata().and_then(|m| m.modified()).ok())
        .ok_or("the build left no WebView2Loader.dll under webview2-com-sys's output")?;
    for dir in [target_dir(), target_dir().join("deps")] {
        std::fs::copy(&loader, dir.join("WebView2Loader.dll"))
            .map_err(|e| format!("copying {} into {}: {e}", loader.display(), dir.display()))?;
    }
    Ok(())
}

/// Wine as Debian and Ubuntu install it, with this layer's own prefix.
struct Wine {
    wine: PathBuf,
    wineserver: PathBuf,
    prefix: PathBuf,
}

impl Wine {
    /// Debian 12's `wine64` package installs only `/usr/lib/wine/wine64` (`/usr/bin/wine` comes
    /// with the `wine` package, which also wants 32-bit Wine); Ubuntu puts `wine64` on the PATH.
    fn find() -> Result<Wine, String> {
        let first = |names: &[&str]| {
            names.iter().find_map(|name| {
                let path = Path::new(name);
                if path.is_absolute() {
                    path.is_file().then(|| path.to_path_buf())
                } else {
                    find_on_path(name)
                }
            })
        };
        let wine = first(&["wine64", "/usr/lib/wine/wine64", "wine"])
            .ok_or("Wine is installed but neither wine64 nor wine was found")?;
        let wineserver = first(&[
            "wineserver",
            "/usr/lib/wine/wineserver64",
            "/usr/lib/wine/wineserver",
        ])
        .ok_or("Wine is installed but wineserver was not found")?;
        Ok(Wine {
            wine,
            wineserver,
            prefix: repo_root().join("target/wine-prefix"),
        })
    }

    /// The environment every Wine process of this layer gets: its prefix, no debug chatter, no
    /// offer to download Mono or Gecko (nothing here needs .NET or an HTML engine), and a UTF-8
    /// locale so that Korean arguments and output cross between Linux and Windows intact.
    fn env<'c>(&self, command: &'c mut Command) -> &'c mut Command {
        command
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
    }

    /// `wine` with this layer's prefix and environment, ready for its arguments.
    fn command(&self) -> Command {
        let mut command = Command::new(&self.wine);
        self.env(&mut command);
        command
    }

    /// Waits until every process of the prefix has ended and the registry is on disk.
    fn wait(&self) {
        let mut command = cmd(&self.wineserver.to_string_lossy(), &["-w"]);
        let _ = self.env(&mut command).status();
    }

    /// Creates the prefix when it is not there, and puts the `ProcessPrng` shim into it.
    fn prepare_prefix(&self) -> Result<(), String> {
        let system32 = self.prefix.join("drive_c/windows/system32");
        if !system32.join("kernel32.dll").is_file() {
            std::fs::create_dir_all(&self.prefix)
                .map_err(|e| format!("{}: {e}", self.prefix.display()))?;
            // 64-bit Wine alone says it cannot open `syswow64\rundll32.exe`: harmless, since
            // nothing here is 32-bit.
            let mut boot = cmd(&self.wine.to_string_lossy(), &["wineboot", "--init"]);
            exec::run(self.env(&mut boot))?;
            self.wait();
        }
        let shim = system32.join("bcryptprimitives.dll");
        let source = repo_root().join("xtask/wine/bcryptprimitives.c");
        let definitions = repo_root().join("xtask/wine/bcryptprimitives.def");
        let modified = |p: &Path| p.metadata().and_then(|m| m.modified()).ok();
        if modified(&shim).is_some()
            && modified(&shim) >= modified(&source)
            && modified(&shim) >= modified(&definitions)
        {
            return Ok(());
        }
        exec::run(&mut cmd(
            MINGW_GCC,
            &[
                "-shared",
                "-O2",
                "-s",
                "-o",
                &shim.to_string_lossy(),
                &source.to_string_lossy(),
                &definitions.to_string_lossy(),
                "-ladvapi32",
            ],
        ))
    }
}
