//! Offline-first, end to end: the real app behind a gate (`sync_tests::gate`) that swallows
//! requests, as a proxy dropping packets does. The kept info is on screen before the server
//! answers, the status chip says it is checking and then what it found, and a save while the
//! server is silent gives the screen back within the hold limit and reaches the server once when
//! it answers again. Screen text is looked up in the catalog by key.

use crate::support::{fresh_home, scratch_dir, App, Server};
use mail_identity_core::email::mask_email;
use std::time::{Duration, Instant};
use sync_tests::gate::{Gate, Mode};

/// The demo account with both values registered (`seoyeon.lee@naver.com`, 010-1234-5678).
const ACCOUNT: &str = "registered@corp.example";
const EMAIL: &str = "seoyeon.lee@naver.com";
/// Generous: the point is "not the request timeout" (15 s), on a busy machine.
const HELD_AT_MOST: Duration = Duration::from_secs(5);

fn ko(key: &str) -> String {
    rust_i18n::t!(key, locale = "ko").into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_kept_info_shows_before_a_silent_server_answers_and_a_save_never_waits_for_it() {
    if !crate::support::enabled(
        "the_kept_info_shows_before_a_silent_server_answers_and_a_save_never_waits_for_it",
    ) {
        return;
    }
    let server = Server::start(&scratch_dir("server")).await;
    let gate = Gate::start(&server.base_url(), Mode::Pass).await;
    let email_mask = mask_email(EMAIL);

    // Signed in once, with the network as usual.
    let app = App::launch_at(fresh_home(), "C.UTF-8", Some(gate.base_url())).await;
    app.sign_in(ACCOUNT).await;
    app.find_heading(&ko("settings.title")).await;
    app.find_text_containing(&email_mask).await;
    let home = app.stop().await;

    // The server falls silent; the app starts again and shows what it kept.
    gate.set(Mode::Silent);
    let requests = server.requests();
    let app = App::launch_at(home, "C.UTF-8", Some(gate.base_url())).await;
    app.find_heading(&ko("settings.title")).await;
    app.find_text_containing(&email_mask).await;
    app.find_text_containing(&ko("sync.checking")).await;
    assert_eq!(
        server.requests(),
        requests,
        "the info was shown although no request reached the server"
    );
    app.screenshot("offline-start-checking-ko").await;

    // The network comes back: the check is made again and the chip says what it found.
    gate.set(Mode::Pass);
    app.find_text_containing(&ko("sync.synced")).await;
    assert!(server.requests() > requests, "the check reached the server");

    // The change form, prefilled from the server.
    app.click_button(&ko("settings.change")).await;
    app.find_heading(&ko("form.title")).await;
    let field = app.field(&ko("form.email")).await;
    app.until("the form is prefilled", || {
        let field = field.clone();
        async move { field.prop("value").await.ok().flatten().as_deref() == Some(EMAIL) }
    })
    .await;

    // Saved while the server is silent: the same values need no code, so the save goes straight
    // to the network, and the screen comes back after the hold limit with the save queued.
    gate.set(Mode::Silent);
    let writes = server.writes_applied();
    let started = Instant::now();
    app.click_button(&ko("form.save")).await;
    // Saved on this computer, waiting for the server: the title says so, not "registered".
    app.find_heading(&ko("result.title_waiting")).await;
    let held = started.elapsed();
    assert!(held < HELD_AT_MOST, "the save held the screen for {held:?}");
    app.find_text_containing(&ko("sync.pending")).await;
    assert_eq!(server.writes_applied(), writes, "nothing applied yet");
    app.screenshot("offline-save-pending-ko").await;

    // The server answers again: the queued save goes through by itself, once.
    gate.set(Mode::Pass);
    app.until("the queued save reaches the server", || async {
        server.writes_applied() > writes
    })
    .await;
    app.find_text_containing(&ko("sync.synced")).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(server.writes_applied(), writes + 1, "applied exactly once");
    app.close().await;
}
