//! tauri-driver as a child process: started on free ports, stopped with SIGTERM (a killed
//! tauri-driver orphans WebKitWebDriver, which keeps the test's pipes open and hangs the run).
//!
//! Whatever is still running with the test's home afterwards (an app the session did not close)
//! is ended too: all tests share one D-Bus session, and a lingering app would take the next
//! test's launch for a second instance and swallow it.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Driver {
    child: Child,
    port: u16,
    home: PathBuf,
}

impl Driver {
    /// Starts tauri-driver; the app it launches inherits `home` as its HOME and XDG directories,
    /// and `env` on top.
    pub fn start(home: &Path, os_locale: &str, env: &[(&str, String)]) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let mut command = app_command(&tauri_driver(), home, os_locale, env);
        command.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native_port.to_string(),
        ]);
        if let Some(native) = native_driver() {
            command.args(["--native-driver".as_ref(), native.as_os_str()]);
        }
        let child = command
            .spawn()
            .expect("tauri-driver starts (is it installed?)");
        let driver = Driver {
            child,
            port,
            home: home.to_path_buf(),
        };
        driver.wait_until_listening();
        driver
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn wait_until_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen within 15 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // TERM, KILL after 5 s; then reaped, so that no zombie outlives the test.
        proc_tree::stop(&[self.child.id()]);
        let _ = self.child.wait();
        end_processes_with_home(&self.home);
    }
}

/// Ends (TERM, then KILL after 5 s) every process whose HOME is `home`: only this test's app,
/// its web processes and drivers carry it. Linux only; elsewhere the OS session is per test run.
pub fn end_processes_with_home(home: &Path) {
    let own = std::process::id();
    let mut carrying = proc_tree::with_environment(&format!("HOME={}", home.display()));
    carrying.retain(|pid| *pid != own);
    proc_tree::stop(&carrying);
}

/// `program` with the app's environment: `home` as its HOME and XDG directories, the OS locale,
/// and `env` on top. tauri-driver passes it on to the app it launches.
pub fn app_command(
    program: &Path,
    home: &Path,
    os_locale: &str,
    env: &[(&str, String)],
) -> Command {
    let mut command = Command::new(program);
    command
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("LANG", os_locale)
        .env("LC_ALL", os_locale)
        .env_remove("LANGUAGE")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return path.into();
    }
    let cargo_bin = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver"))
        .filter(|p| p.is_file());
    cargo_bin.unwrap_or_else(|| "tauri-driver".into())
}

fn native_driver() -> Option<PathBuf> {
    ["/usr/bin/WebKitWebDriver", "/usr/local/bin/WebKitWebDriver"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}
