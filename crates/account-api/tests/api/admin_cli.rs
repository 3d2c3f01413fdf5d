//! `account-api admin …`, the binary IT runs: help in Korean and English, exit statuses scripts can
//! branch on, `--json`, and offboarding on the database a running server uses.

use crate::common::*;
use reqwest::StatusCode;
use serde_json::Value;
use std::process::{Command, Output};

fn admin(db: Option<&std::path::Path>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_account-api"));
    command.arg("admin").env_remove("LANG").env_remove("LC_ALL");
    if let Some(db) = db {
        command.arg("--db").arg(db);
    }
    command.args(args).output().expect("account-api runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn help_is_in_korean_by_default_and_in_english_on_request() {
    let korean = admin(None, &["--help"]);
    assert!(korean.status.success());
    assert!(stdout(&korean).contains("사용법: account-api admin"));
    assert!(stdout(&korean).contains("delete-account 주소"));
    let english = admin(None, &["--lang", "en", "--help"]);
    assert!(stdout(&english).contains("usage: account-api admin"));
    let wrong = admin(None, &["--lang", "en", "token", "mint"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("Unknown command: token mint"));
    let no_db = admin(None, &["report"]);
    assert_eq!(no_db.status.code(), Some(2));
}

#[tokio::test]
async fn offboarding_from_the_command_line_while_the_server_runs() {
    let server = TestServer::start().await;
    let access = server.token(REGISTERED).await;
    let db = server.db_path();

    let deleted = admin(Some(&db), &["--json", "delete-account", REGISTERED]);
    assert_eq!(deleted.status.code(), Some(0), "{deleted:?}");
    let deleted: Value = serde_json::from_slice(&deleted.stdout).unwrap();
    assert_eq!(deleted["had_email"], true);
    let gone = server
        .request(reqwest::Method::GET, "/v1/identity")
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    expect_problem(gone, StatusCode::GONE, "account_deleted").await;

    let again = admin(Some(&db), &["--lang", "en", "delete-account", REGISTERED]);
    assert_eq!(again.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already deleted"));
    let unknown = admin(
        Some(&db),
        &["--lang", "ko", "delete-account", "nobody@corp.example"],
    );
    assert_eq!(unknown.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("계정이 없습니다"));

    let report = admin(Some(&db), &["--json", "report"]);
    let report: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(report["totals"]["accounts"], 4);
    let csv = admin(Some(&db), &["report", "--csv"]);
    assert!(stdout(&csv).starts_with("period,metric,count"));
    assert!(!stdout(&csv).contains("seoyeon"));
    let human = admin(Some(&db), &["--lang", "ko", "report"]);
    assert!(stdout(&human).contains("등록 현황 보고서"));
    let bad = admin(
        Some(&db),
        &["--lang", "ko", "report", "--from", "2026-13-01"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("YYYY-MM-DD 형식"));
    let bad = admin(Some(&db), &["--lang", "en", "audit", "--kind", "gossip"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Unknown kind"));

    let trail = admin(Some(&db), &["--json", "audit", "--kind", "account_deleted"]);
    let trail: Value = serde_json::from_slice(&trail.stdout).unwrap();
    assert_eq!(trail["entries"][0]["detail"]["by"], "cli");
    assert_eq!(trail["entries"][0]["account_ref"], deleted["account_ref"]);
}
