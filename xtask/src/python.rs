//! Python tools the test layers use (libphonenumber's python port, email-validator, schemathesis): each pinned, in
//! its own virtualenv under `target/`, created on first use, so a fresh machine needs only Python 3
//! with `venv` and access to PyPI.

use crate::exec::{self, cmd};
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// A virtualenv's executables.
pub struct Venv {
    bin: PathBuf,
}

impl Venv {
    /// An executable of the venv (`python`, `schemathesis`, …).
    pub fn program(&self, name: &str) -> PathBuf {
        self.bin
            .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
    }
}

/// The venv in `work/venv` with `requirement` (`name==version`) installed, installing it when it
/// is missing or at another version.
pub fn ensure(work: &Path, requirement: &str) -> Result<Venv, String> {
    let (name, version) = requirement
        .split_once("==")
        .ok_or_else(|| format!("`{requirement}` is not pinned as name==version"))?;
    let venv_dir = work.join("venv");
    let venv = Venv {
        bin: venv_dir.join(if cfg!(windows) { "Scripts" } else { "bin" }),
    };
    let python = venv.program("python");
    let check = format!(
        "import importlib.metadata as m, sys; sys.exit(m.version('{name}') != '{version}')"
    );
    let installed = cmd(&python.to_string_lossy(), &["-c", &check])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if installed {
        return Ok(venv);
    }
    if !python.is_file() {
        let system = ["python3", "python"]
            .into_iter()
            .find(|p| exec::on_path(p))
            .ok_or("Python 3.9 or newer (with venv) is missing: install it to run this layer")?;
        std::fs::create_dir_all(work)
            .map_err(|e| format!("could not create {}: {e}", work.display()))?;
        let venv_arg = venv_dir.to_string_lossy().into_owned();
        exec::run(&mut cmd(system, &["-m", "venv", &venv_arg]))
            .map_err(|e| format!("{e}\n  (on Debian/Ubuntu: apt-get install python3-venv)"))?;
    }
    exec::run(&mut cmd(
        &python.to_string_lossy(),
        &[
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            requirement,
        ],
    ))?;
    Ok(venv)
}
