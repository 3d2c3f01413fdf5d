//! Non-sensitive preferences (the chosen language), kept by tauri-plugin-store on the Rust side only.
//! Nothing personal is ever put here: the store writes plain JSON without an atomic rename.

use crate::deployment::Deployment;
use mail_identity_core::locale::Locale;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::StoreExt;

const FILE: &str = "preferences.json";
const LOCALE_KEY: &str = "locale";

/// The user's chosen language if policy allows it, else policy's default, else the OS language
/// (English or Korean) if allowed, else Korean.
pub fn effective_locale<R: Runtime>(app: &AppHandle<R>) -> Locale {
    let chosen = app
        .store(FILE)
        .ok()
        .and_then(|store| store.get(LOCALE_KEY))
        .and_then(|value| value.as_str().map(str::to_owned));
    let os = sys_locale::get_locale();
    match app.try_state::<Deployment>() {
        Some(deployment) => deployment
            .policy
            .effective_locale(chosen.as_deref(), os.as_deref()),
        None => Locale::resolve(chosen.as_deref(), os.as_deref()),
    }
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
