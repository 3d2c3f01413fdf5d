//! A bare Tauri 2 window with one text input: the floor the app's start-up, memory and size are
//! measured against. Its only command is the same interactive mark the app sends.

// No console window next to it on Windows release builds, like the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::time::{SystemTime, UNIX_EPOCH};

/// The page calls this once it has been painted and takes input; like the app's
/// `mark_interactive`, it writes the wall-clock time (ms since the Unix epoch) to the file
/// `MAIL_IDENTITY_BENCH_MARK` names.
#[tauri::command]
fn mark_interactive() {
    let Some(path) = std::env::var_os("MAIL_IDENTITY_BENCH_MARK") else {
        return;
    };
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or_default();
    let path = std::path::PathBuf::from(path);
    let partial = path.with_extension("partial");
    if std::fs::write(&partial, format!("{epoch_ms:.3}\n")).is_ok() {
        let _ = std::fs::rename(&partial, &path);
    }
}

fn main() {
    let result = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![mark_interactive])
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("bare-tauri could not start: {error}");
        std::process::exit(1);
    }
}
