//! Non-sensitive preferences (the chosen language), kept by tauri-plugin-store on the Rust side only.
//! Nothing personal is ever put here: the store writes plain JSON without an atomic rename.

use mail_identity_core::locale::Locale;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const FILE: &str = "preferences.json";
const LOCALE_KEY: &str = "locale";

/// The user's chosen language, else the OS language (English or Korean), else Korean.
pub fn effective_locale<R: Runtime>(app: &AppHandle<R>) -> Locale {
    let chosen = app
        .store(FILE)
        .ok()
        .and_then(|store| store.get(LOCALE_KEY))
        .and_then(|value| value.as_str().map(str::to_owned));
    Locale::resolve(chosen.as_deref(), sys_locale::get_locale().as_deref())
}

/// Remembers the user's explicit choice of language.
pub fn save_locale<R: Runtime>(
    app: &AppHandle<R>,
    locale: Locale,
) -> Result<(), tauri_plugin_store::Error> {
    let store = app.store(FILE)?;
    store.set(LOCALE_KEY, locale.tag());
    store.save()
}
