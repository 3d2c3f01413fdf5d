//! Offboarding, end to end: IT deletes an employee's account while the app is closed; at its next
//! start the app learns it from the server, says so in plain words, and no file under the
//! employee's profile still holds the recovery e-mail or the number (registered or being typed).

use crate::support::{scratch_dir, App, Launch, Server};
use account_api::admin::tokens::Scope;
use mail_identity_core::email::mask_email;
use mail_identity_core::phone::{check_phone, mask_phone, PhoneMode};
use std::path::Path;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ACCOUNT: &str = "registered@corp.example";
/// What the demo account has registered (`account_api::demo`).
const REGISTERED_EMAIL: &str = "seoyeon.lee@naver.com";
/// A change the employee was typing when the app was closed: a draft on this computer only.
const TYPED_PHONE: &str = "010-2468-1357";

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_account_is_wiped_from_the_computer_at_the_next_start() {
    if !crate::support::enabled("a_deleted_account_is_wiped_from_the_computer_at_the_next_start") {
        return;
    }
    let server = Server::start(&scratch_dir("server")).await;
    let held = server.identity_of(ACCOUNT).await;
    let registered_e164 = held["phone"]["e164"]
        .as_str()
        .expect("the demo account has a registered number")
        .to_string();
    let app = App::launch(Launch {
        os_locale: "C.UTF-8",
        server: Some(&server),
    })
    .await;
    app.sign_in(ACCOUNT).await;
    app.find_heading("본인 인증 정보").await;
    app.click_button("변경").await;
    app.find_heading("[선택] 본인 인증 정보").await;
    app.clear("휴대폰 번호").await;
    app.type_into("휴대폰 번호", TYPED_PHONE).await;
    // The draft is kept on blur and when typing pauses: leave the field, then let it settle.
    app.field("메일 주소")
        .await
        .click()
        .await
        .expect("the e-mail field takes focus");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let home = app.stop().await;
    // The search below can see what the profile keeps: the masked snapshot is there now.
    assert!(
        !files_holding(&home, &[mask_email(REGISTERED_EMAIL)]).is_empty(),
        "before the deletion the profile holds the masked registered e-mail"
    );

    let token = server
        .create_admin_token("offboarding test", &[Scope::AccountsDelete])
        .await
        .expect("an admin token");
    let (status, body) = post_json(
        &server.base_url(),
        "/v1/admin/account-deletions",
        &token,
        &serde_json::json!({ "account": ACCOUNT }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "the account is deleted: {body}");

    let app = App::launch_at(home, "C.UTF-8", Some(server.base_url())).await;
    app.find_text("계정이 삭제되었습니다").await;
    app.find_heading("로그인").await;
    app.screenshot("flow-account-gone-ko").await;
    let home = app.stop().await;

    let mode = PhoneMode::Domestic;
    let registered = check_phone(&registered_e164, &mode).expect("the registered number reads");
    let typed = check_phone(TYPED_PHONE, &mode).expect("the typed number reads");
    let mut needles: Vec<String> = vec![
        REGISTERED_EMAIL.into(),
        mask_email(REGISTERED_EMAIL),
        registered_e164.clone(),
        registered_e164.trim_start_matches('+').into(),
        mask_phone(&registered),
        TYPED_PHONE.into(),
        TYPED_PHONE.replace('-', ""),
        mask_phone(&typed),
    ];
    needles.push(format!("0{}", &registered_e164[3..]));
    let found = files_holding(&home, &needles);
    assert!(
        found.is_empty(),
        "files under the profile still hold the account's info: {found:?}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

/// Every file under `root` that holds one of `needles` (as UTF-8 or UTF-16LE bytes), with which.
fn files_holding(root: &Path, needles: &[String]) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let Ok(bytes) = std::fs::read(&path) else {
                    continue;
                };
                for needle in needles {
                    let utf16: Vec<u8> = needle.encode_utf16().flat_map(u16::to_le_bytes).collect();
                    if contains(&bytes, needle.as_bytes()) || contains(&bytes, &utf16) {
                        found.push((path.display().to_string(), mask_for_report(needle)));
                    }
                }
            }
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Which needle matched, without printing the value itself into the test log.
fn mask_for_report(needle: &str) -> String {
    format!("{} characters", needle.chars().count())
}

/// A JSON POST over plain HTTP/1.1 to the loopback server, answering (status, body).
async fn post_json(base_url: &str, path: &str, bearer: &str, body: &str) -> (u16, String) {
    let authority = base_url
        .strip_prefix("http://")
        .expect("the test server speaks plain HTTP on loopback");
    let mut stream = tokio::net::TcpStream::connect(authority)
        .await
        .expect("the server accepts a connection");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {bearer}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("the request is sent");
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .await
        .expect("the answer is read");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("an HTTP status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())
        .unwrap_or_default();
    (status, body)
}
