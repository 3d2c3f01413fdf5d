//! The typed bridge between Rust commands and the UI: the one list of commands
//! (`src-tauri/command_list.rs`), and the TypeScript generated from it (`ui/src/lib/bindings.ts`),
//! checked to be current by a test.

use crate::commands;
use tauri_specta::{collect_commands, collect_events, Builder};

/// `module::command` → the command's path under [`commands`], for `collect_commands!`.
macro_rules! app_commands {
    ($($module:ident :: $command:ident),* $(,)?) => {
        collect_commands![$(commands::$module::$command),*]
    };
}

/// Every command the UI can call, from `src-tauri/command_list.rs`: the list `build.rs` also
/// grants to the main window, so the two cannot drift apart.
pub fn specta_builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .events(collect_events![crate::sync_link::OverviewChanged])
        .commands(include!("../command_list.rs"))
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
