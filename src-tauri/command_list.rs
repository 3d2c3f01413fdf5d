// The one list of the app's IPC commands, as `module::command` under `src-tauri/src/commands/`.
//
// Read twice: `src/bindings.rs` registers these commands and generates the UI's TypeScript from
// them; `build.rs` turns the same names into the main window's grants (the `app-commands`
// permission set that `capabilities/main.json` gives the window). A command added here is callable
// and granted; a command removed here is neither. Each includer defines `app_commands!`.
app_commands![
    app::app_info,
    app::open_webmail,
    app::open_helpdesk,
    app::mark_interactive,
    diagnostics::export_diagnostics,
    session::restore_session,
    session::sign_in,
    session::sign_out,
    session::step_up,
    session::retry_credential_store,
    consent::notice,
    consent::decide_consent,
    consent::consent_receipts,
    identity::overview,
    identity::refresh,
    identity::load_draft,
    identity::save_draft,
    identity::discard_draft,
    identity::submit_identity,
    identity::delete_identity,
    identity::resolve_conflict,
    identity::keep_info,
    identity::discard_other_server_writes,
    settings::set_locale,
    updates::update_status,
    updates::check_for_update,
    updates::install_update,
    validation::validate_phone,
    validation::check_phone_input,
    validation::validate_email,
    validation::search_countries,
    validation::phone_example,
    verification::confirm_code,
    verification::resend_code,
    verification::cancel_verification,
    verification::verify_registered,
]
