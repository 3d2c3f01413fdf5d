//! The one main window. Its title comes from the catalog in the effective language, so it is created
//! here rather than declared in `tauri.conf.json`.

use mail_identity_core::locale::Locale;
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

/// The label the capability file grants permissions to.
pub const MAIN: &str = "main";

/// Opens the main window, sized for the form and usable down to 420 px wide.
pub fn open_main<R: Runtime>(app: &AppHandle<R>, locale: Locale) -> tauri::Result<()> {
    WebviewWindowBuilder::new(app, MAIN, WebviewUrl::default())
        .title(title(locale))
        .inner_size(560.0, 760.0)
        .min_inner_size(420.0, 480.0)
        .center()
        .build()?;
    Ok(())
}

/// Brings the main window to the front: a second launch of the app lands here instead of opening
/// another window on the same profile.
pub fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN) {
        // Each step can fail on a window manager that refuses it; the others still help.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// Retitles the main window after a language change.
pub fn retitle<R: Runtime>(app: &AppHandle<R>, locale: Locale) -> tauri::Result<()> {
    match app.get_webview_window(MAIN) {
        Some(window) => window.set_title(&title(locale)),
        None => Ok(()),
    }
}

fn title(locale: Locale) -> String {
    rust_i18n::t!("app.window_title", locale = locale.tag()).into_owned()
}
