//! What the `phone-diff` and `email-diff` layers share: a pinned Python peer in a virtual
//! environment under `target/`, the core judging the same corpus through `mail-identity-cli … batch`,
//! and the reference script comparing the two answers.

use crate::build::{build_workspace_binaries, exe, BinariesFor};
use crate::exec::{self, cmd, repo_root};
use crate::python;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Where the corpus comes from.
pub enum Corpus {
    /// Written by the reference script's `corpus` command on each run.
    Generated,
    /// A committed file, relative to the repository root.
    Committed(&'static str),
}

/// One differential layer.
pub struct Differential {
    /// Its folder under `target/` (the virtual environment and the three answer files).
    pub work: &'static str,
    /// The pinned Python requirement of the peer.
    pub requirement: &'static str,
    /// The reference script (`judge`, `compare`, and `corpus` for a generated corpus).
    pub script: &'static str,
    pub corpus: Corpus,
    /// The CLI command the core judges the corpus with (`phone batch`, `email batch`).
    pub batch: [&'static str; 2],
    /// What `compare` gets after the three files (a threshold, the list of deliberate differences).
    pub compare_args: &'static [&'static str],
}

impl Differential {
    pub fn run(&self) -> Result<(), String> {
        let work = repo_root().join("target").join(self.work);
        std::fs::create_dir_all(&work)
            .map_err(|e| format!("cannot create {}: {e}", work.display()))?;
        let python = python::ensure(&work, self.requirement)?.program("python");
        let python = python.to_string_lossy().into_owned();
        let corpus: PathBuf = match self.corpus {
            Corpus::Generated => {
                let corpus = work.join("corpus.jsonl");
                exec::run(cmd(&python, &[self.script, "corpus"]).stdout(create(&corpus)?))?;
                corpus
            }
            Corpus::Committed(path) => repo_root().join(path),
        };
        let reference = work.join("reference.jsonl");
        let ours = work.join("core.jsonl");

        exec::run(
            cmd(&python, &[self.script, "judge"])
                .stdin(open(&corpus)?)
                .stdout(create(&reference)?),
        )?;
        let cli = build_workspace_binaries(BinariesFor::Testing)?.join(exe("mail-identity-cli"));
        let cli = cli.to_string_lossy().into_owned();
        exec::run(
            cmd(&cli, &self.batch)
                .stdin(open(&corpus)?)
                .stdout(create(&ours)?),
        )?;
        let paths = [&corpus, &reference, &ours].map(|p| p.to_string_lossy().into_owned());
        let mut args = vec![self.script, "compare", &paths[0], &paths[1], &paths[2]];
        args.extend(self.compare_args);
        exec::run(&mut cmd(&python, &args))
    }
}

fn create(path: &Path) -> Result<File, String> {
    File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn open(path: &Path) -> Result<File, String> {
    File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}
