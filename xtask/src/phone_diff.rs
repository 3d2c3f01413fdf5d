//! The `phone-diff` layer: the core's phone verdicts against Google's libphonenumber.
//!
//! Python `phonenumbers` pinned to the metadata version the Rust engine embeds judges a generated
//! corpus with the form's rules (`crates/cli/differential/phone_reference.py`); the core judges
//! the same lines through `mail-identity-cli phone batch`; the script compares them, lists every
//! disagreement and fails below 99.9 % agreement on the form's decision. The Python side lives in
//! a virtual environment under `target/`, created on first use, so a fresh machine needs only
//! Python 3 with `venv` and access to PyPI.

use crate::exec::{self, cmd, repo_root};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Must match the libphonenumber metadata of the pinned `rlibphonenumber`.
const PHONENUMBERS: &str = "phonenumbers==9.0.42";
const SCRIPT: &str = "crates/cli/differential/phone_reference.py";

pub fn run() -> Result<(), String> {
    let work = repo_root().join("target").join("phone-diff");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let python = ensure_venv(&work)?;
    let python = python.to_string_lossy().into_owned();
    let corpus = work.join("corpus.jsonl");
    let reference = work.join("reference.jsonl");
    let ours = work.join("core.jsonl");

    exec::run(cmd(&python, &[SCRIPT, "corpus"]).stdout(create(&corpus)?))?;
    exec::run(
        cmd(&python, &[SCRIPT, "judge"])
            .stdin(open(&corpus)?)
            .stdout(create(&reference)?),
    )?;
    exec::run(
        cmd(
            "cargo",
            &[
                "run",
                "--quiet",
                "-p",
                "mail-identity-cli",
                "--",
                "phone",
                "batch",
            ],
        )
        .stdin(open(&corpus)?)
        .stdout(create(&ours)?),
    )?;
    let paths = [&corpus, &reference, &ours].map(|p| p.to_string_lossy().into_owned());
    exec::run(&mut cmd(
        &python,
        &[
            SCRIPT, "compare", &paths[0], &paths[1], &paths[2], "--min", "99.9",
        ],
    ))
}

/// The venv's interpreter, with the pinned `phonenumbers` installed.
fn ensure_venv(work: &Path) -> Result<PathBuf, String> {
    let venv = work.join("venv");
    let python = if cfg!(windows) {
        venv.join("Scripts").join("python.exe")
    } else {
        venv.join("bin").join("python")
    };
    if !python.is_file() {
        let system = if cfg!(windows) { "python" } else { "python3" };
        let venv_arg = venv.to_string_lossy().into_owned();
        exec::run(&mut cmd(system, &["-m", "venv", &venv_arg]))?;
    }
    let pinned = PHONENUMBERS.trim_start_matches("phonenumbers==");
    let check =
        format!("import phonenumbers, sys; sys.exit(phonenumbers.__version__ != '{pinned}')");
    let installed = cmd(&python.to_string_lossy(), &["-c", &check])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !installed {
        exec::run(&mut cmd(
            &python.to_string_lossy(),
            &[
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                PHONENUMBERS,
            ],
        ))?;
    }
    Ok(python)
}

fn create(path: &Path) -> Result<File, String> {
    File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
