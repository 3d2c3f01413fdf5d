//! The registration report (counts only, small groups suppressed) and the paged audit trail.

use crate::admin::{admin_get, admin_token, ALL_SCOPES};
use crate::common::*;
use account_api::demo::DEMO_ACCOUNTS;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Every personal value the demo holds, in the forms a leak could take.
fn demo_values() -> Vec<String> {
    let mut values: Vec<String> = DEMO_ACCOUNTS
        .iter()
        .flat_map(|a| [a.address.to_string(), a.display_name.to_string()])
        .collect();
    for value in [
        "seoyeon.lee@naver.com",
        "emily.carter@gmail.com",
        "yujin.choi@daum.net",
        "+821012345678",
        "01012345678",
        "+819012345678",
        "9012345678",
        "+821098765432",
        "01098765432",
    ] {
        values.push(value.to_string());
        let sha = {
            use sha2::{Digest, Sha256};
            Sha256::digest(value.as_bytes())
        };
        values.push(sha.iter().map(|b| format!("{b:02x}")).collect());
    }
    values
}

#[tokio::test]
async fn the_report_holds_counts_only_in_json_and_csv() {
    let server = TestServer::start().await;
    let token = admin_token(&server, &ALL_SCOPES).await;
    let json_report = admin_get(&server, &token, "/v1/admin/report").await;
    assert_eq!(json_report.status(), StatusCode::OK);
    let json_text = json_report.text().await.unwrap();
    let csv = server
        .request(Method::GET, "/v1/admin/report")
        .bearer_auth(&token)
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert!(header(&csv, "content-type")
        .unwrap()
        .starts_with("text/csv"));
    let csv_text = csv.text().await.unwrap();
    let by_query = admin_get(&server, &token, "/v1/admin/report?format=csv").await;
    assert_eq!(by_query.text().await.unwrap(), csv_text);
    assert!(csv_text.starts_with("period,metric,count\r\n"));
    for text in [&json_text, &csv_text] {
        for value in demo_values() {
            assert!(!text.contains(&value), "`{value}` is in the report");
        }
    }
    let report: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(report["totals"]["accounts"], 5);
    assert_eq!(report["min_group"], 5);
    assert_eq!(report["days"].as_array().unwrap().len(), 30);
}

/// Fifteen accounts: 8 agreed, 6 refused, 1 pending. The pending one alone would single someone
/// out, and it with the withdrawn (0) could be told apart by subtraction: the refused count is
/// suppressed with them. Agreed stays.
#[tokio::test]
async fn small_groups_are_not_broken_down() {
    let server = TestServer::start().await;
    let token = admin_token(&server, &ALL_SCOPES).await;
    let small: Value = admin_get(&server, &token, "/v1/admin/report")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(small["totals"]["accounts"], 5);
    assert_eq!(small["totals"]["consent_agreed"], Value::Null, "3 of 5");

    for n in 0..10 {
        let address = format!("employee{n}@corp.example");
        server
            .handle
            .create_account(&address, "직원", PASSWORD)
            .await
            .unwrap();
        let employee = server.token(&address).await;
        let decision = if n < 5 { "agreed" } else { "refused" };
        assert_eq!(
            server.consent(&employee, decision).await.status(),
            StatusCode::OK
        );
    }
    let report: Value = admin_get(&server, &token, "/v1/admin/report")
        .await
        .json()
        .await
        .unwrap();
    let totals = &report["totals"];
    assert_eq!(totals["accounts"], 15);
    assert_eq!(totals["consent_agreed"], 8);
    assert_eq!(totals["consent_refused"], Value::Null);
    assert_eq!(totals["consent_pending"], Value::Null);
    assert_eq!(totals["consent_withdrawn"], Value::Null);
    // 3 registered e-mails of 15: hidden, and what depends on them too.
    assert_eq!(totals["email_registered"], Value::Null);
    assert_eq!(totals["email_verified"], Value::Null);
    // Today 14 accounts acted (the pending one never did): 8 agreed and 6 refused are shown, 3
    // registrations are not.
    let today = report["days"].as_array().unwrap().last().unwrap();
    assert_eq!(today["accounts_active"], 14);
    assert_eq!(today["consent_agreed"], 8);
    assert_eq!(today["consent_refused"], 6);
    assert_eq!(today["info_registered"], Value::Null);
    assert_eq!(today["accounts_deleted"], 0);
    let csv = admin_get(&server, &token, "/v1/admin/report?format=csv")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains("total,consent_agreed,8\r\n"));
    assert!(csv.contains("total,consent_refused,suppressed\r\n"));
}

#[tokio::test]
async fn report_ranges_and_audit_filters_are_checked() {
    let server = TestServer::start().await;
    let token = admin_token(&server, &ALL_SCOPES).await;
    for (path, code) in [
        (
            "/v1/admin/report?from=2026-12-08&to=2026-12-07",
            "invalid_range",
        ),
        (
            "/v1/admin/report?from=2020-01-01&to=2026-12-07",
            "invalid_range",
        ),
        ("/v1/admin/report?from=yesterday", "invalid_range"),
        ("/v1/admin/report?format=xml", "invalid_format"),
        (
            "/v1/admin/audit?kind=info_registered,nonsense",
            "invalid_filter",
        ),
        ("/v1/admin/audit?cursor=not-ours", "invalid_filter"),
        ("/v1/admin/audit?limit=0", "invalid_filter"),
        ("/v1/admin/audit?from=2026-12-01", "invalid_filter"),
        ("/v1/admin/report?unknown=1", "malformed_request"),
    ] {
        let refused = admin_get(&server, &token, path).await;
        expect_problem(refused, StatusCode::BAD_REQUEST, code).await;
    }
}

#[tokio::test]
async fn the_audit_trail_pages_with_a_cursor_and_filters_by_kind_and_time() {
    let server = TestServer::start().await;
    let token = admin_token(&server, &ALL_SCOPES).await;
    // The seed wrote 3 agreements, 1 refusal and 3 registrations.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut path =
            "/v1/admin/audit?kind=consent_agreed,consent_refused,info_registered&limit=2"
                .to_string();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page: Value = admin_get(&server, &token, &path)
            .await
            .json()
            .await
            .unwrap();
        pages += 1;
        let entries = page["entries"].as_array().unwrap();
        assert!(entries.len() <= 2);
        seen.extend(entries.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    assert_eq!(pages, 4);
    let kinds: Vec<&str> = seen.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds.iter().filter(|k| **k == "info_registered").count(), 3);
    for entry in &seen {
        assert_eq!(entry["account_ref"].as_str().unwrap().len(), 32);
        assert_eq!(entry["app_version"], "seed-demo");
    }
    // The same account has the same reference; the registration shows what, not which value.
    let registered = seen
        .iter()
        .find(|e| e["kind"] == "info_registered")
        .unwrap();
    assert_eq!(
        registered["detail"],
        json!({"email": "set", "phone": "set"})
    );
    let text = serde_json::to_string(&seen).unwrap();
    for value in demo_values() {
        assert!(!text.contains(&value), "`{value}` is in the trail");
    }
    // A time window after everything: nothing.
    let later: Value = admin_get(&server, &token, "/v1/admin/audit?from=2100-01-01T00:00:00Z")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(later, json!({"entries": [], "next_cursor": null}));
}
