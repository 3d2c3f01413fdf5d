//! A virtual X display for the end-to-end tests on a machine without one (CI, SSH sessions).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Keeps Xvfb running while alive; stops it on drop.
pub struct VirtualDisplay {
    child: Option<Child>,
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
            // The display is gone: a later layer must start its own, not draw on a dead one.
            std::env::remove_var("DISPLAY");
        }
    }
}

/// Uses the current display when there is one (or on Windows and macOS); otherwise starts Xvfb and
/// points `DISPLAY` at it for every command started afterwards.
pub fn ensure() -> Result<VirtualDisplay, String> {
    if !cfg!(target_os = "linux") || std::env::var_os("DISPLAY").is_some_and(|d| !d.is_empty()) {
        return Ok(VirtualDisplay { child: None });
    }
    let number = (90..200)
        .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
        .ok_or("no free X display number between :90 and :199")?;
    let name = format!(":{number}");
    println!("▶ Xvfb {name} -screen 0 1280x800x24 -nolisten tcp");
    let child = Command::new("Xvfb")
        .args([
            name.as_str(),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start Xvfb: {e}"))?;
    let socket = format!("/tmp/.X11-unix/X{number}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !Path::new(&socket).exists() {
        if Instant::now() > deadline {
            return Err("Xvfb did not open its socket within 10 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Every command started after this one (cargo, tauri-driver, the app) draws on this display.
    std::env::set_var("DISPLAY", &name);
    Ok(VirtualDisplay { child: Some(child) })
}
