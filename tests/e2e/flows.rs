//! The flows of the product, end to end: the real app against the reference server, driven the
//! way an employee uses it, and checked against what the server holds afterwards.

use crate::support::{scratch_dir, App, Launch, Server};
use mail_identity_core::email::mask_email;
use mail_identity_core::phone::{check_phone, mask_phone, PhoneMode};
use serde_json::Value;

const CONSENT_HEADING: &str = "[선택] 본인 인증 정보 수집 및 이용 동의";
const FORM_HEADING: &str = "[선택] 본인 인증 정보";
const VERIFIED_HEADING: &str = "인증을 마쳤습니다";
const SETTINGS_HEADING: &str = "본인 인증 정보";
const CODE_SCREEN_HEADING: &str = "인증번호 확인";
const CODE_FIELD: &str = "인증번호 6자리";

async fn start(test: &str) -> Option<(Server, App)> {
    if !crate::support::enabled(test) {
        return None;
    }
    let server = Server::start(&scratch_dir("server")).await;
    let app = App::launch(Launch {
        os_locale: "C.UTF-8",
        server: Some(&server),
    })
    .await;
    Some((server, app))
}

/// Waits until the server's record for `address` satisfies `condition` (sync runs in the
/// background), and returns it.
async fn server_holds(
    app: &App,
    server: &Server,
    address: &str,
    what: &str,
    condition: impl Fn(&Value) -> bool,
) -> Value {
    app.until(what, || async {
        condition(&server.identity_of(address).await)
    })
    .await;
    server.identity_of(address).await
}

/// Signs in as the account waiting for its first decision, agrees, and waits for the form.
async fn agree_and_open_the_form(app: &App) {
    app.sign_in("pending@corp.example").await;
    app.find_heading(CONSENT_HEADING).await;
    app.click_button("동의").await;
    app.find_heading(FORM_HEADING).await;
}

/// Types the code the server mailed to `address`, as the employee would from their mailbox, and
/// confirms it.
async fn enter_mailed_code(app: &App, server: &Server, address: &str) {
    app.find_heading("메일 주소 확인").await;
    let code = server.code_mailed_to(address).await;
    app.type_into(CODE_FIELD, &code).await;
    app.click_button("확인").await;
}

/// Types the code the server texted to `e164`, as the employee would from their phone, and
/// confirms it.
async fn enter_texted_code(app: &App, server: &Server, e164: &str) {
    app.find_heading("휴대폰 번호 확인").await;
    let code = server.code_texted_to(e164).await;
    app.type_into(CODE_FIELD, &code).await;
    app.click_button("확인").await;
}

/// A six-digit code that is certainly not `code`.
fn another_code(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                char::from(c as u8 + 1)
            }
        })
        .collect()
}

/// The masked phone the screens show for a number, computed by core the same way.
fn masked_phone(input: &str, mode: &PhoneMode) -> String {
    mask_phone(&check_phone(input, mode).expect("a valid test number"))
}

#[tokio::test(flavor = "multi_thread")]
async fn first_login_agree_register_domestic_mobile_and_email() {
    let Some((server, app)) = start("first_login_agree_register_domestic_mobile_and_email").await
    else {
        return;
    };
    app.sign_in("pending@corp.example").await;
    app.find_heading(CONSENT_HEADING).await;
    app.screenshot("flow-consent-ko").await;
    app.click_button("동의").await;
    app.find_heading(FORM_HEADING).await;
    app.type_into("메일 주소", "minjun.kim@naver.com").await;
    app.type_into("휴대폰 번호", "01012345678").await;
    app.screenshot("flow-form-ko").await;
    app.click_button("저장").await;

    // Both values are new: a code goes to each, and nothing is registered before they are typed.
    app.find_heading(CODE_SCREEN_HEADING).await;
    app.find_heading("메일 주소 확인").await;
    app.screenshot("flow-code-email-ko").await;
    let held = server.identity_of("pending@corp.example").await;
    assert!(
        held["email"].is_null() && held["phone"].is_null(),
        "nothing is registered before the codes: {held}"
    );
    // A slip of the finger first: the screen says so and the right code still works.
    let code = server.code_mailed_to("minjun.kim@naver.com").await;
    app.type_into(CODE_FIELD, &another_code(&code)).await;
    app.click_button("확인").await;
    app.find_text_containing("인증번호가 맞지 않습니다").await;
    app.screenshot("flow-code-wrong-ko").await;
    app.clear(CODE_FIELD).await;
    app.type_into(CODE_FIELD, &code).await;
    app.click_button("확인").await;
    enter_texted_code(&app, &server, "+821012345678").await;
    app.find_heading(VERIFIED_HEADING).await;

    let phone_mask = masked_phone("01012345678", &PhoneMode::Domestic);
    let email_mask = mask_email("minjun.kim@naver.com");
    app.find_text_containing(&phone_mask).await;
    app.find_text_containing(&email_mask).await;
    app.screenshot("flow-result-ko").await;

    let held = server_holds(
        &app,
        &server,
        "pending@corp.example",
        "the save reaches the server",
        |v| v["phone"]["e164"] == "+821012345678",
    )
    .await;
    assert_eq!(held["email"], "minjun.kim@naver.com");
    assert_eq!(held["consent"]["state"], "agreed");
    assert_eq!(held["phone"]["overseas"], false);
    assert!(held["email_verified_at"].is_string(), "{held}");
    assert!(held["phone_verified_at"].is_string(), "{held}");

    // The account's own mailbox is told, with masked values only.
    let alert = server
        .mails_to("pending@corp.example")
        .into_iter()
        .find(|mail| mail.subject.contains("등록되었습니다"))
        .expect("the registration alert reaches the account's mailbox");
    assert!(alert.text.contains(&phone_mask), "{}", alert.text);
    for full in ["minjun.kim@naver.com", "1012345678", "1234-5678"] {
        assert!(!alert.text.contains(full), "the alert shows {full:?}");
    }

    app.click_button("확인").await;
    app.find_heading(SETTINGS_HEADING).await;
    app.find_text_containing(&phone_mask).await;
    app.find_text_containing(&email_mask).await;
    app.find_text_containing("서버에 저장됨").await;
    app.find_text_containing("확인됨").await;
    app.screenshot("flow-settings-ko").await;
    // One consent and one save: nothing was sent twice.
    assert_eq!(server.writes_applied(), 2);

    // 진단 정보 내보내기, then every file the app wrote — its database, its log, the zip's
    // contents — is searched for the e-mail and the number in any spelling.
    app.click_button("진단 정보 내보내기").await;
    app.find_text_containing("진단 정보를 저장했습니다").await;
    let written = files_and_zip_entries(app.home());
    assert!(
        written
            .iter()
            .any(|(name, _)| name.contains("logs/mail-identity")),
        "the diagnostics hold the log: {:?}",
        written.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for needle in [
        "minjun.kim@naver.com",
        "minjun.kim",
        "01012345678",
        "1012345678",
        "010-1234-5678",
        "+821012345678",
        "pending@corp.example",
    ] {
        for (name, bytes) in &written {
            // The account's own address is in the app's database (the signed-in account), and
            // nowhere else: not in the log, not in the diagnostics.
            if needle == "pending@corp.example" && name.contains(".sqlite3") {
                continue;
            }
            assert!(
                !contains(bytes, needle.as_bytes()),
                "{needle:?} found in {name}"
            );
        }
    }
    app.close().await;
}

/// Every file under `dir` (recursively) as (path, bytes), with each zip's entries unpacked as
/// `zip-path/entry` — compressed text would hide from a plain search.
fn files_and_zip_entries(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                pending.extend(entries.filter_map(Result::ok).map(|e| e.path()));
            }
            continue;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let name = path.display().to_string();
        if name.ends_with(".zip") {
            let mut archive =
                zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).expect("a valid zip");
            for i in 0..archive.len() {
                let mut entry = archive.by_index(i).expect("a zip entry");
                let entry_name = entry.name().map(|n| n.to_string()).unwrap_or_default();
                let mut content = Vec::new();
                std::io::Read::read_to_end(&mut entry, &mut content).expect("an entry's bytes");
                found.push((format!("{name}/{entry_name}"), content));
            }
        }
        found.push((name, bytes));
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test(flavor = "multi_thread")]
async fn refuse_then_register_later_from_settings() {
    let Some((server, app)) = start("refuse_then_register_later_from_settings").await else {
        return;
    };
    app.sign_in("pending@corp.example").await;
    app.find_heading(CONSENT_HEADING).await;
    app.click_button("거부").await;
    app.find_heading("동의를 거부했습니다").await;
    app.find_text_containing("로그인 보안 설정 > 본인 인증 정보")
        .await;
    app.find_text_containing("내부 관리자를 통해서만 재설정이 가능합니다")
        .await;
    app.button("웹메일 열기").await;
    app.screenshot("flow-refused-ko").await;
    server_holds(
        &app,
        &server,
        "pending@corp.example",
        "the refusal reaches the server",
        |v| v["consent"]["state"] == "refused",
    )
    .await;

    app.click_button("로그인 보안 설정 보기").await;
    app.find_heading(SETTINGS_HEADING).await;
    app.click_button("등록").await;
    // Registering after a refusal asks for consent first.
    app.find_heading(CONSENT_HEADING).await;
    app.click_button("동의").await;
    app.find_heading(FORM_HEADING).await;
    app.type_into("메일 주소", "later@daum.net").await;
    app.click_button("저장").await;
    enter_mailed_code(&app, &server, "later@daum.net").await;
    app.find_heading(VERIFIED_HEADING).await;
    let held = server_holds(
        &app,
        &server,
        "pending@corp.example",
        "the later registration reaches the server",
        |v| v["email"] == "later@daum.net",
    )
    .await;
    assert_eq!(held["consent"]["state"], "agreed");
    assert!(held["phone"].is_null());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn change_then_delete_leaves_nothing_on_the_server() {
    let Some((server, app)) = start("change_then_delete_leaves_nothing_on_the_server").await else {
        return;
    };
    app.sign_in("registered@corp.example").await;
    app.find_heading(SETTINGS_HEADING).await;
    app.click_button("변경").await;
    app.find_heading(FORM_HEADING).await;
    app.clear("휴대폰 번호").await;
    app.type_into("휴대폰 번호", "010-9876-5432").await;
    app.click_button("저장").await;
    // Only the phone changed: only it gets a code.
    enter_texted_code(&app, &server, "+821098765432").await;
    app.find_heading(VERIFIED_HEADING).await;
    let held = server_holds(
        &app,
        &server,
        "registered@corp.example",
        "the change reaches the server",
        |v| v["phone"]["e164"] == "+821098765432",
    )
    .await;
    // The form started from the registered info: changing the phone kept the e-mail.
    assert_eq!(held["email"], "seoyeon.lee@naver.com");

    app.click_button("확인").await;
    app.find_heading(SETTINGS_HEADING).await;
    app.click_button("삭제").await;
    app.find_heading("본인 인증 정보를 삭제할까요?").await;
    app.screenshot("flow-delete-confirm-ko").await;
    app.click_button("삭제하기").await;
    app.find_text_containing("이 컴퓨터에 남아 있던 사본도 모두 지웠습니다")
        .await;
    app.screenshot("flow-deleted-ko").await;
    let held = server.identity_of("registered@corp.example").await;
    assert!(
        held["email"].is_null(),
        "the e-mail is gone from the server"
    );
    assert!(held["phone"].is_null(), "the phone is gone from the server");
    assert_eq!(held["consent"]["state"], "withdrawn");
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn overseas_number_with_the_country_picker() {
    let Some((server, app)) = start("overseas_number_with_the_country_picker").await else {
        return;
    };
    agree_and_open_the_form(&app).await;
    app.field("해외 사용자인가요?")
        .await
        .click()
        .await
        .expect("turning overseas mode on");
    app.type_into("국가", "일본").await;
    app.option("일본")
        .await
        .click()
        .await
        .expect("choosing Japan");
    app.type_into("휴대폰 번호", "090-1234-5678").await;
    app.screenshot("flow-overseas-ko").await;
    app.click_button("저장").await;
    enter_texted_code(&app, &server, "+819012345678").await;
    app.find_heading(VERIFIED_HEADING).await;
    // The country by its name in the UI language, never its ISO code, on the result and settings.
    app.find_text_containing("국가: 일본").await;
    app.screenshot("flow-overseas-result-ko").await;
    let held = server_holds(
        &app,
        &server,
        "pending@corp.example",
        "the overseas number reaches the server",
        |v| !v["phone"].is_null(),
    )
    .await;
    assert_eq!(held["phone"]["e164"], "+819012345678");
    assert_eq!(held["phone"]["country"], "JP");
    assert_eq!(held["phone"]["overseas"], true);
    app.click_button("확인").await;
    app.find_heading(SETTINGS_HEADING).await;
    app.find_text_containing("국가: 일본").await;
    app.click_button("English").await;
    app.find_text_containing("Country: Japan").await;
    app.screenshot("flow-overseas-settings-en").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_landline_shows_its_reason_and_cannot_be_saved() {
    let Some((server, app)) = start("a_landline_shows_its_reason_and_cannot_be_saved").await else {
        return;
    };
    agree_and_open_the_form(&app).await;
    app.type_into("휴대폰 번호", "02-312-3456").await;
    app.find_text_containing("휴대폰 번호가 아닙니다").await;
    app.screenshot("flow-landline-ko").await;
    let save = app.button("저장").await;
    assert!(
        !save.is_enabled().await.expect("reading the button state"),
        "저장 stays disabled while the number is not a mobile"
    );
    // Only the consent was written.
    assert_eq!(server.writes_applied(), 1);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn language_switches_without_a_restart() {
    let Some((_server, app)) = start("language_switches_without_a_restart").await else {
        return;
    };
    app.find_heading("로그인").await;
    app.click_button("English").await;
    app.find_heading("Sign in").await;
    let lang = app
        .client
        .execute("return document.documentElement.lang", vec![])
        .await
        .expect("reading <html lang>");
    assert_eq!(lang, "en");
    assert_eq!(
        app.client.title().await.expect("the page title"),
        "G-Cloud Mail Identity Verification"
    );
    app.screenshot("flow-signin-en").await;
    app.click_button("한국어").await;
    app.find_heading("로그인").await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_save_while_the_server_refuses_waits_then_syncs_once() {
    let Some((server, app)) = start("a_save_while_the_server_refuses_waits_then_syncs_once").await
    else {
        return;
    };
    app.sign_in("registered@corp.example").await;
    app.find_heading(SETTINGS_HEADING).await;
    app.click_button("변경").await;
    app.find_heading(FORM_HEADING).await;
    app.clear("휴대폰 번호").await;
    app.type_into("휴대폰 번호", "010-2222-3333").await;

    app.click_button("저장").await;
    app.find_heading("휴대폰 번호 확인").await;
    let code = server.code_texted_to("+821022223333").await;
    app.type_into(CODE_FIELD, &code).await;

    // Maintenance begins: every identity write is refused with 503 and Retry-After.
    server.set_faults("503@all,retry-after=1,scope=writes");
    app.click_button("확인").await;
    app.find_heading(VERIFIED_HEADING).await;
    app.find_text_containing("서버 저장 대기 중").await;
    app.screenshot("flow-pending-ko").await;
    let held = server.identity_of("registered@corp.example").await;
    assert_ne!(
        held["phone"]["e164"], "+821022223333",
        "nothing was applied yet"
    );

    // The server is back: the queued save goes through by itself, once.
    server.set_faults("none");
    server_holds(
        &app,
        &server,
        "registered@corp.example",
        "the queued save reaches the server",
        |v| v["phone"]["e164"] == "+821022223333",
    )
    .await;
    app.find_text_containing("서버에 저장됨").await;
    assert_eq!(
        server.writes_applied(),
        1,
        "the save was applied exactly once"
    );
    let held = server.identity_of("registered@corp.example").await;
    assert_eq!(
        held["email"], "seoyeon.lee@naver.com",
        "the e-mail was kept"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_long_after_sign_in_asks_for_the_password_then_is_saved_once() {
    let Some((server, app)) =
        start("a_change_long_after_sign_in_asks_for_the_password_then_is_saved_once").await
    else {
        return;
    };
    app.sign_in("registered@corp.example").await;
    app.find_heading(SETTINGS_HEADING).await;
    // Six minutes pass on the server's clock: the sign-in's password is no longer recent.
    server.advance_clock(std::time::Duration::from_secs(6 * 60));
    app.click_button("변경").await;
    app.find_heading(FORM_HEADING).await;
    app.clear("휴대폰 번호").await;
    app.type_into("휴대폰 번호", "010-4444-5555").await;
    app.click_button("저장").await;

    app.find_heading("비밀번호를 한 번 더 입력해 주세요").await;
    app.screenshot("flow-step-up-ko").await;
    let before = server.messages_received();
    app.type_into("비밀번호", crate::support::DEMO_PASSWORD)
        .await;
    app.click_dialog_button("확인").await;

    enter_texted_code(&app, &server, "+821044445555").await;
    app.find_heading(VERIFIED_HEADING).await;
    let held = server_holds(
        &app,
        &server,
        "registered@corp.example",
        "the change reaches the server after the password",
        |v| v["phone"]["e164"] == "+821044445555",
    )
    .await;
    assert_eq!(held["email"], "seoyeon.lee@naver.com");
    assert_eq!(server.writes_applied(), 1, "the change was applied once");
    assert!(
        server.messages_received() > before,
        "the code was sent only after the password"
    );

    // The previous recovery address is told of the change, masked (mailed after the write).
    let is_alert = |mail: &dev_inbox::Mail| mail.subject.contains("변경되었습니다");
    app.until(
        "the change alert reaches the previous recovery address",
        || async {
            server
                .mails_to("seoyeon.lee@naver.com")
                .iter()
                .any(is_alert)
        },
    )
    .await;
    let alert = server
        .mails_to("seoyeon.lee@naver.com")
        .into_iter()
        .find(is_alert)
        .expect("the change alert reaches the previous recovery address");
    assert!(!alert.text.contains("1044445555"), "{}", alert.text);
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agreement_on_an_older_notice_shows_the_consent_screen_first() {
    let Some((server, app)) =
        start("an_agreement_on_an_older_notice_shows_the_consent_screen_first").await
    else {
        return;
    };
    app.sign_in("outdated@corp.example").await;
    app.find_heading(CONSENT_HEADING).await;
    app.screenshot("flow-reconsent-ko").await;
    app.click_button("동의").await;
    app.find_heading(SETTINGS_HEADING).await;
    let held = server_holds(
        &app,
        &server,
        "outdated@corp.example",
        "the new agreement reaches the server",
        |v| v["consent"]["notice_version"] == v["current_notice_version"],
    )
    .await;
    // Agreeing again kept what was registered.
    assert_eq!(held["email"], "yujin.choi@daum.net");
    app.close().await;
}
