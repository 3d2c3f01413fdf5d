//! The app's log: daily files in the platform's log directory (`app_log_dir`), the last seven kept,
//! at the level IT policy sets (`log_level`, `info` by default; there is no `trace`, at which HTTP
//! libraries would log bodies).
//!
//! What is logged never holds an e-mail address, a phone number or a token: core's log lines carry
//! codes and counts only, personal values travel in types whose `Debug` masks them, and the no-PII
//! tests read every log line the sync flows produce.

use mail_identity_core::policy::LogLevel;
use std::path::{Path, PathBuf};
use tracing_subscriber::filter::LevelFilter;

/// Log files are named `mail-identity.YYYY-MM-DD.log`.
const PREFIX: &str = "mail-identity";
const SUFFIX: &str = "log";
const KEPT_FILES: usize = 7;

/// Keeps the background writer alive; dropping it flushes what is buffered.
pub struct LogGuard(#[allow(dead_code)] tracing_appender::non_blocking::WorkerGuard);

/// Starts logging into `dir`. `None` when the directory cannot be made or another subscriber is
/// already installed: the app runs on without a log rather than not at all.
pub fn start(dir: &Path, level: LogLevel) -> Option<LogGuard> {
    std::fs::create_dir_all(dir).ok()?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEPT_FILES)
        .build(dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(true)
        .with_max_level(level_filter(level))
        .try_init()
        .ok()?;
    Some(LogGuard(guard))
}

/// The log files in `dir` (regular files, never symlinks), oldest first, for the diagnostics
/// export.
pub fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                // Regular files only: a symlink named like a log could point at any file the
                // user can read, and the diagnostics export would copy it.
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn level_filter(level: LogLevel) -> LevelFilter {
    match level {
        LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warn => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
    }
}
