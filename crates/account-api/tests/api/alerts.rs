//! Change alerts arrive over SMTP at the account's mailbox and the previous recovery address,
//! with masked values only.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Duration;

const ACCOUNT_MAILBOX: &str = REGISTERED;
const PREVIOUS: &str = "seoyeon.lee@naver.com";

fn assert_no_full_values(text: &str) {
    for full in [
        "seoyeon.lee",
        "+821012345678",
        "01012345678",
        "1234-5678",
        "+821023456789",
        "01023456789",
        "2345-6789",
        "new.recovery",
    ] {
        assert!(!text.contains(full), "the alert holds `{full}`: {text}");
    }
}

#[tokio::test]
async fn a_change_alerts_the_mailbox_and_the_previous_address_with_masked_values() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let changed = server
        .put_identity(
            &token,
            &etag,
            json!({"email": "new.recovery@gmail.com", "phone": {"number": "010-2345-6789"}}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    for to in [ACCOUNT_MAILBOX, PREVIOUS] {
        let alert = server
            .inbox
            .wait_for_mail(to, Duration::from_secs(5))
            .await
            .unwrap_or_else(|| panic!("an alert to {to}"));
        assert!(alert.subject.contains("변경"), "{}", alert.subject);
        assert!(
            alert.text.contains("010-****-5678") && alert.text.contains("010-****-6789"),
            "{}",
            alert.text
        );
        assert!(alert.text.contains("se***@naver.com") && alert.text.contains("ne***@gmail.com"));
        assert!(alert.text.contains("KST") && alert.text.contains("UTC"));
        assert!(alert.text.contains("mail-identity-tests/1 (linux)"));
        assert!(alert.text.contains(
            "본인이 변경하지 않았다면 바로 비밀번호를 바꾸고 사내 IT 담당자에게 알려 주세요"
        ));
        assert_no_full_values(&alert.subject);
        assert_no_full_values(&alert.text);
    }

    // A delete in English (Accept-Language), to the mailbox and the address before it.
    let before = server.inbox.mails_to(ACCOUNT_MAILBOX).len();
    let deleted = server
        .request(Method::DELETE, "/v1/identity")
        .bearer_auth(&token)
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let mails = server
        .inbox
        .wait_for_mails(ACCOUNT_MAILBOX, before + 1, Duration::from_secs(5))
        .await
        .expect("a delete alert");
    let alert = mails.last().unwrap();
    assert!(alert.subject.contains("deleted"), "{}", alert.subject);
    assert!(alert.text.contains("tell your IT helpdesk"));
    assert!(alert.text.contains("ne***@gmail.com"));
    assert_no_full_values(&alert.text);
    // The code mail came first; the alert is the second mail to that address.
    let to_previous = server
        .inbox
        .wait_for_mails("new.recovery@gmail.com", 2, Duration::from_secs(5))
        .await
        .expect("a delete alert to the previous address");
    assert!(to_previous[1].subject.contains("deleted"));
}

#[tokio::test]
async fn a_registration_alerts_the_mailbox_only_and_a_refusal_alerts_like_a_delete() {
    let server = TestServer::start().await;
    let token = server.token(PENDING).await;
    let consent = server.consent(&token, "agreed").await;
    let etag = header(&consent, "etag").unwrap();
    let saved = server
        .put_identity(&token, &etag, json!({"email": "first.time@gmail.com"}))
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let alert = server
        .inbox
        .wait_for_mail(PENDING, Duration::from_secs(5))
        .await
        .expect("a registration alert");
    assert!(alert.subject.contains("등록"), "{}", alert.subject);
    assert!(
        alert.text.contains("(없음) → fi***@gmail.com"),
        "{}",
        alert.text
    );
    // The recovery address got its code, not an alert.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(server
        .inbox
        .mails_to("first.time@gmail.com")
        .iter()
        .all(|m| !m.subject.contains("등록")));
    let refused = server.consent(&token, "refused").await;
    assert_eq!(refused.status(), StatusCode::OK);
    let mails = server
        .inbox
        .wait_for_mails(PENDING, 2, Duration::from_secs(5))
        .await
        .expect("a refusal alert");
    assert!(mails[1].subject.contains("삭제"), "{}", mails[1].subject);
}

#[tokio::test]
async fn a_failed_alert_never_fails_the_write() {
    // The relay is a closed port; the SMS webhook works.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("smtp://{}", closed.local_addr().unwrap());
    drop(closed);
    let server = TestServer::start_with(move |c| {
        if let Some(smtp) = c.smtp.as_mut() {
            smtp.url = dead;
        }
    })
    .await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let saved = server
        .put_identity(
            &token,
            &etag,
            json!({"email": PREVIOUS, "phone": {"number": "010-2345-6789"}}),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let body: serde_json::Value = saved.json().await.unwrap();
    assert_eq!(body["phone"]["e164"], "+821023456789");
}
