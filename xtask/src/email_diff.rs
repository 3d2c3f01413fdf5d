//! The `email-diff` layer: the core's e-mail verdicts against Python `email-validator`.
//!
//! The corpus is committed (`crates/cli/differential/email_corpus.jsonl`): the peer's own test
//! cases from its 2.4.0 source distribution, RFC 5321/5322 edge cases, and what Korean employees
//! type and paste (한/영 slips, 전각 mode, invisible characters, names from a mail client,
//! internal domains), built by `email_corpus.py` next to it. `email-validator`, pinned and strict
//! with no deliverability check, judges it in a virtual environment under `target/`; the core
//! judges it through `mail-identity-cli email batch`; the script compares them, prints the
//! agreement and fails on any disagreement that is not in the reviewed list of deliberate
//! differences (`email_differences.jsonl`, each with its reason), or on a listed one that is gone.

use crate::build::{build_workspace_binaries, exe, BinariesFor};
use crate::exec::{self, cmd, repo_root};
use crate::python;
use std::fs::File;
use std::path::Path;

pub const EMAIL_VALIDATOR: &str = "email-validator==2.4.0";
const SCRIPT: &str = "crates/cli/differential/email_reference.py";
const CORPUS: &str = "crates/cli/differential/email_corpus.jsonl";
const DIFFERENCES: &str = "crates/cli/differential/email_differences.jsonl";

pub fn run() -> Result<(), String> {
    let work = repo_root().join("target").join("email-diff");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let python = python::ensure(&work, EMAIL_VALIDATOR)?.program("python");
    let python = python.to_string_lossy().into_owned();
    let corpus = repo_root().join(CORPUS);
    let reference = work.join("reference.jsonl");
    let ours = work.join("core.jsonl");

    exec::run(
        cmd(&python, &[SCRIPT, "judge"])
            .stdin(open(&corpus)?)
            .stdout(create(&reference)?),
    )?;
    let cli = build_workspace_binaries(BinariesFor::Testing)?.join(exe("mail-identity-cli"));
    let cli = cli.to_string_lossy().into_owned();
    exec::run(
        cmd(&cli, &["email", "batch"])
            .stdin(open(&corpus)?)
            .stdout(create(&ours)?),
    )?;
    let paths = [&corpus, &reference, &ours].map(|p| p.to_string_lossy().into_owned());
    exec::run(&mut cmd(
        &python,
        &[
            SCRIPT,
            "compare",
            &paths[0],
            &paths[1],
            &paths[2],
            DIFFERENCES,
        ],
    ))
}

fn create(path: &Path) -> Result<File, String> {
    File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
