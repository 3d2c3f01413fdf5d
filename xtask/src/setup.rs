//! Installing what is missing, so that `run` and `test` work on a fresh machine.
//!
//! On Debian and Ubuntu the system packages are installed with apt-get (through sudo when not root).
//! Elsewhere the one missing prerequisite is named with how to get it, instead of a build that fails
//! later with an obscure linker or pkg-config error.

use crate::exec::{self, cmd, on_path, repo_root};
use crate::keyring_session;
use crate::tools::{npm, tauri_driver_path};
use std::path::PathBuf;

/// What the machine is being prepared for: tests need a virtual display and a WebDriver on top.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Run,
    Test,
}

/// Debian packages needed to build and run the app (WebKitGTK, a CJK font so that Korean renders).
const DEBIAN_BUILD_PACKAGES: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libsoup-3.0-dev",
    "librsvg2-dev",
    "fonts-noto-cjk",
    "xdg-utils",
];

/// Debian packages needed only by the tests: a virtual display, WebKit's WebDriver, a browser for
/// the UI screenshots, and dpkg tooling for the bundle check. (The D-Bus session and keyring for
/// the sync tests are in [`crate::keyring_session::DEBIAN_PACKAGES`].)
const DEBIAN_TEST_PACKAGES: &[&str] = &[
    "xvfb",
    "xauth",
    "webkit2gtk-driver",
    "chromium",
    "imagemagick",
];

/// Installs every missing prerequisite for `purpose`.
pub fn ensure(purpose: Purpose) -> Result<(), String> {
    system_packages(purpose)?;
    node_packages()?;
    if purpose == Purpose::Test && cfg!(any(target_os = "linux", target_os = "windows")) {
        tauri_driver()?;
    }
    Ok(())
}

fn system_packages(purpose: Purpose) -> Result<(), String> {
    if cfg!(target_os = "macos") {
        return require(
            on_path("xcrun"),
            "the Xcode command line tools are missing: run `xcode-select --install`",
        );
    }
    if cfg!(target_os = "windows") {
        return require(
            on_path("link.exe") || visual_studio_installer().is_file(),
            "the Microsoft C++ build tools are missing: install \"Desktop development with C++\" from \
             https://visualstudio.microsoft.com/visual-cpp-build-tools/ (WebView2 ships with Windows 10/11)",
        );
    }
    if !on_path("dpkg-query") || !on_path("apt-get") {
        let mut wanted: Vec<&str> = DEBIAN_BUILD_PACKAGES.to_vec();
        if purpose == Purpose::Test {
            wanted.extend(DEBIAN_TEST_PACKAGES);
        }
        return require(
            exec::cmd("pkg-config", &["--exists", "webkit2gtk-4.1"])
                .status()
                .is_ok_and(|s| s.success()),
            &format!(
                "WebKitGTK 4.1 was not found and this is not a Debian/Ubuntu system: install the \
                 equivalents of these Debian packages with your package manager: {}",
                wanted.join(" ")
            ),
        );
    }
    let mut wanted: Vec<&str> = DEBIAN_BUILD_PACKAGES.to_vec();
    if purpose == Purpose::Test {
        wanted.extend(DEBIAN_TEST_PACKAGES);
        wanted.extend(keyring_session::DEBIAN_PACKAGES);
    }
    install_debian_packages(&wanted)
}

/// Installs those of `packages` that are not installed yet (Debian/Ubuntu only), without their
/// recommendations and without upgrading anything already on the machine.
pub fn install_debian_packages(packages: &[&str]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|package| !debian_package_installed(package))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("Installing missing system packages: {}", missing.join(" "));
    let apt = |args: &[&str]| {
        let mut command = exec::cmd_as_root("apt-get", args);
        command.env("DEBIAN_FRONTEND", "noninteractive");
        exec::run(&mut command)
    };
    apt(&["update", "-q"])?;
    let mut install = vec![
        "install",
        "-y",
        "-q",
        "--no-install-recommends",
        "--no-upgrade",
    ];
    install.extend(&missing);
    apt(&install)
}

fn debian_package_installed(package: &str) -> bool {
    cmd("dpkg-query", &["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

/// `npm ci` when `node_modules` is missing or older than the lockfile: exactly what the lockfile says.
fn node_packages() -> Result<(), String> {
    require(
        on_path("npm"),
        "Node.js 20.19 or newer (with npm) is missing: install it from https://nodejs.org or your \
         package manager, then run this command again",
    )?;
    let root = repo_root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules/.package-lock.json");
    let modified = |p: &PathBuf| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let fresh = match (modified(&lock), modified(&installed)) {
        (Some(lock_time), Some(installed_time)) => installed_time >= lock_time,
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    exec::run(&mut cmd(npm(), &["ci", "--no-audit", "--no-fund"]))
}

/// The tauri-driver executable, installed with cargo when it is not there yet.
pub fn tauri_driver() -> Result<(), String> {
    if tauri_driver_path().is_some() {
        return Ok(());
    }
    exec::run(&mut cmd("cargo", &["install", "tauri-driver", "--locked"]))?;
    require(
        tauri_driver_path().is_some(),
        "tauri-driver was installed but is not on the PATH nor in ~/.cargo/bin",
    )
}

/// vswhere, present wherever a Visual Studio product (including the Build Tools) is installed.
fn visual_studio_installer() -> PathBuf {
    let program_files = std::env::var_os("ProgramFiles(x86)").unwrap_or_default();
    PathBuf::from(program_files).join("Microsoft Visual Studio/Installer/vswhere.exe")
}

fn require(present: bool, explanation: &str) -> Result<(), String> {
    if present {
        Ok(())
    } else {
        Err(explanation.to_string())
    }
}
