//! Where the external tools that are not simply called by name are found: npm's launcher (a
//! `.cmd` shim on Windows) and tauri-driver (on the PATH or in cargo's own bin directory).
//!
//! Installing them is `setup`'s work; building and testing only need to start them, so the lookup
//! lives here, apart from the installing.

use crate::exec;
use std::path::PathBuf;

/// npm's launcher name: a `.cmd` shim on Windows.
pub fn npm() -> &'static str {
    if cfg!(windows) {
        "npm.cmd"
    } else {
        "npm"
    }
}

/// Where tauri-driver is: on the PATH, else in cargo's own bin directory.
pub fn tauri_driver_path() -> Option<PathBuf> {
    exec::find_on_path("tauri-driver").or_else(|| {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
        let candidate = home.join("bin").join(if cfg!(windows) {
            "tauri-driver.exe"
        } else {
            "tauri-driver"
        });
        candidate.is_file().then_some(candidate)
    })
}
