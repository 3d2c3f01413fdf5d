//! The `phone-diff` layer: the core's phone verdicts against Google's libphonenumber.
//!
//! Python `phonenumbers` pinned to the metadata version the Rust engine embeds judges a generated
//! corpus with the form's rules (`crates/cli/differential/phone_reference.py`); the core judges
//! the same lines through `mail-identity-cli phone batch`; the script compares them, lists every
//! disagreement and fails below 99.9 % agreement on the form's decision. The Python side lives in
//! a virtual environment under `target/`, created on first use, so a fresh machine needs only
//! Python 3 with `venv` and access to PyPI.

use crate::differential::{Corpus, Differential};

/// Must match the libphonenumber metadata of the pinned `rlibphonenumber`.
pub const PHONENUMBERS: &str = "phonenumbers==9.0.42";
pub const SCRIPT: &str = "crates/cli/differential/phone_reference.py";

pub fn run() -> Result<(), String> {
    Differential {
        work: "phone-diff",
        requirement: PHONENUMBERS,
        script: SCRIPT,
        corpus: Corpus::Generated,
        batch: ["phone", "batch"],
        compare_args: &["--min", "99.9"],
    }
    .run()
}
