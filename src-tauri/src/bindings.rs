//! The typed bridge between Rust commands and the UI: one list of commands, and the TypeScript
//! generated from it (`ui/src/lib/bindings.ts`), checked to be current by a test.

use crate::commands;
use tauri_specta::{collect_commands, collect_events, Builder};

/// Every command the UI can call. Keep in step with `COMMANDS` in `src-tauri/build.rs`, which
/// grants them to the main window.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .events(collect_events![crate::service::OverviewChanged])
        .commands(collect_commands![
            commands::app::app_info,
            commands::app::open_webmail,
            commands::app::open_helpdesk,
            commands::app::mark_interactive,
            commands::diagnostics::export_diagnostics,
            commands::session::restore_session,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::consent::notice,
            commands::consent::decide_consent,
            commands::consent::consent_receipts,
            commands::identity::overview,
            commands::identity::refresh,
            commands::identity::load_draft,
            commands::identity::save_draft,
            commands::identity::discard_draft,
            commands::identity::submit_identity,
            commands::identity::delete_identity,
            commands::identity::resolve_conflict,
            commands::settings::set_locale,
            commands::updates::update_status,
            commands::updates::check_for_update,
            commands::updates::install_update,
            commands::validation::validate_phone,
            commands::validation::format_phone,
            commands::validation::validate_email,
            commands::validation::search_countries,
            commands::validation::phone_example,
        ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use specta_typescript::Typescript;
    use std::path::Path;

    const BINDINGS: &str = "ui/src/lib/bindings.ts";

    fn generate() -> String {
        let temp =
            std::env::temp_dir().join(format!("mail-identity-bindings-{}.ts", std::process::id()));
        specta_builder()
            .export(Typescript::default().header("// @ts-nocheck\n"), &temp)
            .expect("exporting the TypeScript bindings");
        let text = std::fs::read_to_string(&temp).expect("reading the exported bindings");
        let _ = std::fs::remove_file(&temp);
        text
    }

    /// Fails when a command or type changed without regenerating the UI's bindings. Regenerate with
    /// `UPDATE_BINDINGS=1 cargo test -p mail-identity bindings`.
    #[test]
    fn typescript_bindings_are_current() {
        let generated = generate();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS);
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("writing the bindings");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{BINDINGS} is stale: run `UPDATE_BINDINGS=1 cargo test -p mail-identity bindings`"
        );
    }
}
