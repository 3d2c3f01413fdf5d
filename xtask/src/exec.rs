//! Running external programs the same way everywhere: echo the command, run it from the repository
//! root, and turn a failure into a message that names the command.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (the parent of `xtask/`), wherever `cargo xtask` was started from.
pub fn repo_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest_dir.to_path_buf())
}

/// A command ready to run from the repository root.
pub fn cmd(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(repo_root());
    command
}

/// `program` run as root: directly when this process is root, else through `sudo`.
pub fn cmd_as_root(program: &str, args: &[&str]) -> Command {
    // Asked once per run: the answer cannot change while xtask runs.
    static IS_ROOT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let is_root = *IS_ROOT.get_or_init(|| {
        cmd("id", &["-u"])
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    });
    if is_root {
        cmd(program, args)
    } else {
        let mut full = vec![program];
        full.extend(args);
        cmd("sudo", &full)
    }
}

/// Prints the command line, runs it and fails with its exit status.
pub fn run(command: &mut Command) -> Result<(), String> {
    let shown = describe(command);
    println!("\x1b[1m▶ {shown}\x1b[0m");
    let status = command
        .status()
        .map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// True when `program` can be found on the PATH.
pub fn on_path(program: &str) -> bool {
    find_on_path(program).is_some()
}

/// The full path of `program` on the PATH, if any.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths).find_map(|dir| {
        let candidate = dir.join(program);
        let with_exe = dir.join(format!("{program}.exe"));
        [candidate, with_exe].into_iter().find(|p| p.is_file())
    })
}

fn describe(command: &Command) -> String {
    let mut parts = vec![command.get_program().to_string_lossy().into_owned()];
    parts.extend(command.get_args().map(|a| a.to_string_lossy().into_owned()));
    let env: Vec<String> = command
        .get_envs()
        .filter_map(|(k, v)| Some(format!("{}={}", k.to_string_lossy(), v?.to_string_lossy())))
        .collect();
    if env.is_empty() {
        parts.join(" ")
    } else {
        format!("{} {}", env.join(" "), parts.join(" "))
    }
}
