//! Build script: generates the Tauri context and the permissions of the app's own commands.
//!
//! Every command the UI may call is listed here; the capability file grants the main window exactly
//! these, so a command that is added but not granted cannot be invoked from the web view.

/// The app's IPC commands, by name (each becomes an `allow-<name>` permission).
const COMMANDS: &[&str] = &[
    "app_info",
    "open_webmail",
    "open_helpdesk",
    "mark_interactive",
    "export_diagnostics",
    "restore_session",
    "sign_in",
    "sign_out",
    "notice",
    "decide_consent",
    "consent_receipts",
    "overview",
    "refresh",
    "load_draft",
    "save_draft",
    "discard_draft",
    "submit_identity",
    "delete_identity",
    "resolve_conflict",
    "set_locale",
    "update_status",
    "check_for_update",
    "install_update",
    "validate_phone",
    "format_phone",
    "validate_email",
    "search_countries",
    "phone_example",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("./src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        // A build script reports by failing; the message names the broken config or capability.
        panic!("tauri build step failed: {error:#}");
    }
}
