//! The desktop app: Tauri wiring only. Decisions live in `mail_identity_core`; this crate turns
//! them into commands, window state and plugins.

mod bindings;
mod commands;
mod deployment;
mod error;
mod logging;
mod preferences;
mod sync_link;
mod updates;
mod window;

rust_i18n::i18n!("locales", fallback = "ko");

pub use bindings::specta_builder;
use tauri::Manager;

/// Starts the app and blocks until its last window closes.
pub fn run() {
    commands::app::note_start();
    let specta = specta_builder();
    let app = tauri::Builder::default()
        // First, so that a second process exits before it opens a store, a log or a window.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tracing::info!("second launch: focusing the running window");
            window::focus_main(app);
        }))
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(deployment::Deployment::load())
        .invoke_handler(specta.invoke_handler())
        .setup(move |app| {
            specta.mount_events(app);
            // Load the phone metadata off the main thread now, so the first keystroke never waits.
            let _ = mail_identity_core::phone::warm_up_in_background();
            let deployment = app.state::<deployment::Deployment>().inner().clone();
            if let Ok(dir) = app.path().app_log_dir() {
                if let Some(guard) = logging::start(&dir, deployment.policy.log_level.value) {
                    app.manage(guard);
                }
            }
            tracing::info!(
                version = %app.package_info().version,
                problems = deployment.policy.problems.len(),
                extra_root_ca = %deployment.extra_roots.summary(),
                "started"
            );
            app.manage(sync_link::SyncLink::open(app.handle(), &deployment));
            updates::start(app.handle(), &deployment);
            let locale = preferences::effective_locale(app.handle());
            window::open_main(app.handle(), locale)?;
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => app.run(|_, _| {}),
        Err(error) => {
            // Nothing can be shown without a window: the terminal or the crash log is all there is.
            eprintln!("mail-identity could not start: {error}");
            std::process::exit(1);
        }
    }
}
