//! End-to-end tests: the real app, built with its UI embedded, driven through WebDriver
//! (tauri-driver + WebKitWebDriver) the way a person uses it: elements are found by visible text,
//! label and role.
//!
//! They need a display, tauri-driver and a binary with embedded assets, so they only run when
//! `MAIL_IDENTITY_E2E=1` (set by `cargo xtask test`); a plain `cargo test` reports them as skipped.

mod bench;
mod bench_offline;
mod flows;
mod home;
mod installed;
mod ipc;
mod measure;
mod offboarding;
mod offline_start;
mod support;

// The catalog, so that a test finds what the screen says by its key, whatever its wording.
rust_i18n::i18n!("locales", fallback = "ko");
