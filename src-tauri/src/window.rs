//! The one main window. Its title comes from the catalog in the effective language, so it is created
//! here rather than declared in `tauri.conf.json`.

use mail_identity_core::locale::Locale;
use tauri::{AppHandle, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

/// The label the capability file grants permissions to.
pub const MAIN: &str = "main";

/// Opens the main window, sized for the form and usable down to 420 px wide.
pub fn open_main<R: Runtime>(app: &AppHandle<R>, locale: Locale) -> tauri::Result<()> {
    let window = WebviewWindowBuilder::new(app, MAIN, WebviewUrl::default())
        .title(title(locale))
        .inner_size(560.0, 760.0)
        .min_inner_size(420.0, 480.0)
        .center()
        .build()?;
    drawn_without_gpu_compositing(&window);
    Ok(())
}

/// Linux (WebKitGTK): the page is painted without the GPU compositor. A form with one small toggle
/// animation gains nothing from it, while the compositor's GL context and layer buffers are the
/// largest part of the web process's memory (about 70 MiB of 215 MiB after the first-use flow,
/// `cargo xtask bench`), and GPU drivers that WebKitGTK handles badly are the usual cause of blank
/// web views on Linux (GNOME Evolution and Eclipse's SWT browser turn it off on GTK 3 for that
/// reason). WebView2 and WKWebView manage their compositors themselves.
///
/// Release builds only: WebKitWebDriver cannot take a screenshot of a web view painted this way
/// (the command never answers), and the end-to-end tests, which run debug builds, look at every
/// screen. The release app goes through the first-use flow under WebDriver in `cargo xtask bench`.
#[cfg(all(target_os = "linux", not(debug_assertions)))]
fn drawn_without_gpu_compositing<R: Runtime>(window: &tauri::WebviewWindow<R>) {
    let outcome = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    if let Err(error) = outcome {
        tracing::warn!(%error, "the web view keeps GPU compositing");
    }
}

#[cfg(not(all(target_os = "linux", not(debug_assertions))))]
fn drawn_without_gpu_compositing<R: Runtime>(_window: &tauri::WebviewWindow<R>) {}

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
