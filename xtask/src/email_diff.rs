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

use crate::differential::{Corpus, Differential};

const EMAIL_VALIDATOR: &str = "email-validator==2.4.0";

pub fn run() -> Result<(), String> {
    Differential {
        work: "email-diff",
        requirement: EMAIL_VALIDATOR,
        script: "crates/cli/differential/email_reference.py",
        corpus: Corpus::Committed("crates/cli/differential/email_corpus.jsonl"),
        batch: ["email", "batch"],
        compare_args: &["crates/cli/differential/email_differences.jsonl"],
    }
    .run()
}
