//! The window's capability really grants the commands the UI needs: a permission missing from
//! `src-tauri/capabilities/main.json` or `build.rs` only shows at run time, so it is checked here.

use crate::support::{enabled, App};
use serde_json::{json, Value};

/// Calls a command from inside the page, as the UI's generated bindings do.
async fn invoke(app: &App, command: &str, args: Value) -> Result<Value, Value> {
    let outcome = app
        .client
        .execute_async(
            "const [command, args, done] = arguments;
             window.__TAURI_INTERNALS__.invoke(command, args)
               .then((value) => done({ ok: value }), (error) => done({ err: String(error) }));",
            vec![json!(command), args],
        )
        .await
        .expect("running the invoke script");
    match outcome.get("ok") {
        Some(value) => Ok(value.clone()),
        None => Err(outcome["err"].clone()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ui_may_call_the_validation_commands() {
    if !enabled("the_ui_may_call_the_validation_commands") {
        return;
    }
    let app = App::launch_without_server("C.UTF-8").await;
    app.find_heading("로그인").await;

    let verdict = invoke(
        &app,
        "validate_phone",
        json!({ "input": "010 1234 5678", "mode": { "mode": "domestic" } }),
    )
    .await
    .expect("validate_phone is granted");
    assert_eq!(verdict["valid"]["e164"], "+821012345678");

    let keystroke = invoke(
        &app,
        "check_phone_input",
        json!({ "input": "01012345678", "caret": 11, "mode": { "mode": "domestic" } }),
    )
    .await
    .expect("check_phone_input is granted");
    assert_eq!(keystroke["text"], "010-1234-5678");
    assert_eq!(keystroke["verdict"]["valid"]["e164"], "+821012345678");

    let verdict = invoke(
        &app,
        "validate_email",
        json!({ "input": "hong@naver.con", "account": "me@corp.example" }),
    )
    .await
    .expect("validate_email is granted");
    assert_eq!(verdict["valid"]["warnings"][0]["code"], "did_you_mean");

    let countries = invoke(
        &app,
        "search_countries",
        json!({ "query": "일본", "locale": "ko" }),
    )
    .await
    .expect("search_countries is granted");
    assert_eq!(countries[0]["code"], "JP");

    // Nothing outside the granted list: a core command the window was not given is refused.
    let refused = invoke(
        &app,
        "plugin:store|load",
        json!({ "path": "preferences.json" }),
    )
    .await;
    assert!(
        refused.is_err(),
        "the web view must not reach the store plugin"
    );
    // The opener plugin serves Rust only: the page cannot open URLs of its choosing.
    let refused = invoke(
        &app,
        "plugin:opener|open_url",
        json!({ "url": "https://example.com/" }),
    )
    .await;
    assert!(
        refused.is_err(),
        "the web view must not reach the opener plugin"
    );
    // Updates go through the app's own commands: the page cannot point the updater anywhere.
    let refused = invoke(&app, "plugin:updater|check", json!({})).await;
    assert!(
        refused.is_err(),
        "the web view must not reach the updater plugin"
    );
    // The app's own update state is granted (a debug build has no updater: not_configured).
    let status = invoke(&app, "update_status", json!({}))
        .await
        .expect("update_status is granted");
    assert_eq!(status["state"], "not_configured");
    app.close().await;
}
