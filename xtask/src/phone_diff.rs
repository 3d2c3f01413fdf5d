//! The `phone-diff` layer: the core's phone verdicts against Google's libphonenumber.
//!
//! Python `phonenumbers` pinned to the metadata version the Rust engine embeds judges a generated
//! corpus with the form's rules (`crates/cli/differential/phone_reference.py`); the core judges
//! the same lines through `mail-identity-cli phone batch`; the script compares them, lists every
//! disagreement and fails below 99.9 % agreement on the form's decision. The Python side lives in
//! a virtual environment under `target/`, created on first use, so a fresh machine needs only
//! Python 3 with `venv` and access to PyPI.

use crate::build::{build_workspace_binaries, exe, BinariesFor};
use crate::exec::{self, cmd, repo_root};
use crate::python;
use std::fs::File;
use std::path::Path;

/// Must match the libphonenumber metadata of the pinned `rlibphonenumber`.
pub const PHONENUMBERS: &str = "phonenumbers==9.0.42";
pub const SCRIPT: &str = "crates/cli/differential/phone_reference.py";

pub fn run() -> Result<(), String> {
    let work = repo_root().join("target").join("phone-diff");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let python = python::ensure(&work, PHONENUMBERS)?.program("python");
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
    let cli = build_workspace_binaries(BinariesFor::Testing)?.join(exe("mail-identity-cli"));
    let cli = cli.to_string_lossy().into_owned();
    exec::run(
        cmd(&cli, &["phone", "batch"])
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

fn create(path: &Path) -> Result<File, String> {
    File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
