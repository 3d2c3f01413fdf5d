//! Consent, the info, conditional requests, idempotency and strict input handling.

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn get_has_a_strong_etag_and_if_none_match_gives_304() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, body) = server.identity(&token).await;
    assert!(etag.starts_with('"') && etag.ends_with('"') && !etag.starts_with("W/"));
    assert_eq!(body["consent"]["state"], "agreed");
    assert_eq!(body["phone"]["e164"], "+821012345678");
    let response = server
        .request(Method::GET, "/v1/identity")
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&response, "etag").as_deref(), Some(etag.as_str()));
}

#[tokio::test]
async fn the_demo_accounts_are_in_their_documented_states() {
    let server = TestServer::start().await;
    let states = [
        (PENDING, "pending"),
        (REGISTERED, "agreed"),
        (REFUSED, "refused"),
        (OVERSEAS, "agreed"),
        (OUTDATED, "agreed"),
    ];
    for (user, state) in states {
        let (_, body) = server.identity(&server.token(user).await).await;
        assert_eq!(body["consent"]["state"], state, "{user}");
    }
    let (_, overseas) = server.identity(&server.token(OVERSEAS).await).await;
    assert_eq!(
        overseas["phone"],
        json!({"e164": "+819012345678", "country": "JP", "overseas": true})
    );
    let (_, outdated) = server.identity(&server.token(OUTDATED).await).await;
    let (current, _) = server.notice("ko").await;
    assert_ne!(outdated["consent"]["notice_version"], json!(current));
}

#[tokio::test]
async fn the_notice_is_served_in_korean_and_english_with_its_hash() {
    let server = TestServer::start().await;
    for (locale, start) in [
        ("ko", "[선택] 본인 인증 정보 수집 및 이용 동의"),
        ("en", "[Optional]"),
    ] {
        let response = server
            .request(Method::GET, &format!("/v1/identity/notice?locale={locale}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            header(&response, "content-language").as_deref(),
            Some(locale)
        );
        let body: Value = response.json().await.unwrap();
        let text = body["text"].as_str().unwrap();
        assert!(text.starts_with(start));
        use sha2::Digest;
        assert_eq!(body["sha256"], hex(&sha2::Sha256::digest(text.as_bytes())));
    }
    let bad = server
        .request(Method::GET, "/v1/identity/notice?locale=fr")
        .send()
        .await
        .unwrap();
    expect_problem(bad, StatusCode::BAD_REQUEST, "invalid_locale").await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn info_needs_consent_and_consent_needs_the_current_notice() {
    let server = TestServer::start().await;
    let token = server.token(PENDING).await;
    let (etag, body) = server.identity(&token).await;
    assert_eq!(body["consent"]["state"], "pending");
    let early = server
        .put_identity(&token, &etag, json!({"email": "minjun.kim@naver.com"}))
        .await;
    expect_problem(early, StatusCode::CONFLICT, "consent_required").await;

    let (version, _) = server.notice("ko").await;
    let outdated = server
        .request(Method::PUT, "/v1/identity/consent")
        .bearer_auth(&token)
        .json(&json!({"decision": "agreed", "notice_version": "2020-01-01", "notice_sha256": "0".repeat(64)}))
        .send()
        .await
        .unwrap();
    expect_problem(outdated, StatusCode::CONFLICT, "notice_outdated").await;
    let wrong_text = server
        .request(Method::PUT, "/v1/identity/consent")
        .bearer_auth(&token)
        .json(&json!({"decision": "agreed", "notice_version": version, "notice_sha256": "0".repeat(64)}))
        .send()
        .await
        .unwrap();
    expect_problem(wrong_text, StatusCode::CONFLICT, "notice_outdated").await;

    // The English text's hash is as good as the Korean one.
    let (version, en_sha) = server.notice("en").await;
    let agreed = server
        .request(Method::PUT, "/v1/identity/consent")
        .bearer_auth(&token)
        .json(&json!({"decision": "agreed", "notice_version": version, "notice_sha256": en_sha}))
        .send()
        .await
        .unwrap();
    assert_eq!(agreed.status(), StatusCode::OK);
    let etag = header(&agreed, "etag").unwrap();
    let body: Value = agreed.json().await.unwrap();
    assert_eq!(body["consent"]["state"], "agreed");
    assert_eq!(body["consent"]["notice_version"], json!(version));

    let saved = server
        .put_identity(
            &token,
            &etag,
            json!({"email": "minjun.kim@naver.com", "phone": {"number": "010 2345 6789", "overseas": false}}),
        )
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let body: Value = saved.json().await.unwrap();
    assert_eq!(body["email"], "minjun.kim@naver.com");
    assert_eq!(
        body["phone"],
        json!({"e164": "+821023456789", "country": "KR", "overseas": false})
    );
}

#[tokio::test]
async fn put_requires_if_match_and_refuses_a_stale_one() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let missing = server
        .request(Method::PUT, "/v1/identity")
        .bearer_auth(&token)
        .json(&json!({"email": "a.b@naver.com"}))
        .send()
        .await
        .unwrap();
    expect_problem(
        missing,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
    )
    .await;
    let (etag, _) = server.identity(&token).await;
    let stale = server
        .put_identity(
            &token,
            "\"not-the-etag\"",
            json!({"email": "a.b@naver.com"}),
        )
        .await;
    assert_eq!(header(&stale, "etag").as_deref(), Some(etag.as_str()));
    expect_problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "precondition_failed",
    )
    .await;
    let weak = server
        .put_identity(
            &token,
            &format!("W/{etag}"),
            json!({"email": "a.b@naver.com"}),
        )
        .await;
    assert_eq!(
        weak.status(),
        StatusCode::PRECONDITION_FAILED,
        "a weak tag never matches If-Match"
    );
    let ok = server
        .put_identity(&token, &etag, json!({"email": "a.b@naver.com"}))
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_ne!(header(&ok, "etag").unwrap(), etag);
}

#[tokio::test]
async fn validation_errors_carry_the_clients_reason_codes_per_field() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let cases = [
        (
            json!({"email": "not-an-address"}),
            vec![("/email", "missing_at")],
        ),
        (
            json!({"email": REGISTERED}),
            vec![("/email", "same_as_account")],
        ),
        (
            json!({"phone": {"number": "02-123-4567"}}),
            vec![("/phone/number", "not_mobile")],
        ),
        (
            json!({"phone": {"number": "010-1234-56789"}}),
            vec![("/phone/number", "too_long")],
        ),
        (
            json!({"phone": {"number": "+1 415 555 2671"}}),
            vec![("/phone/number", "foreign_number_in_domestic_mode")],
        ),
        (
            json!({"phone": {"number": "1234", "overseas": true, "country": "jp"}}),
            vec![("/phone/country", "invalid_country")],
        ),
        (
            json!({"email": "hong@corp.gcloud.local"}),
            vec![("/email", "reserved_domain")],
        ),
        (
            json!({"email": "hong@naver.c0m"}),
            vec![("/email", "invalid_tld")],
        ),
        (
            json!({"email": "not-an-address@ㅜㅁㅍㄷㄱ.채ㅡ"}),
            vec![("/email", "korean_keyboard")],
        ),
        (json!({}), vec![("", "email_or_phone_required")]),
        (
            json!({"email": "x@", "phone": {"number": "abc"}}),
            vec![
                ("/email", "invalid_domain"),
                ("/phone/number", "not_a_number"),
            ],
        ),
    ];
    for (body, expected) in cases {
        let response = server.put_identity(&token, &etag, body.clone()).await;
        let problem = expect_problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        let got: Vec<(String, String)> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().into(),
                    e["code"].as_str().unwrap().into(),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, expected, "for {body}");
        assert!(
            !problem.to_string().contains("not-an-address"),
            "a problem echoes no value"
        );
    }
}

/// A reason that names something keeps it on the wire, so that the app can say "a US number"
/// after the server refused it, exactly as its own check would have.
#[tokio::test]
async fn a_foreign_number_in_domestic_mode_names_its_country_in_the_problem() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let response = server
        .put_identity(
            &token,
            &etag,
            json!({"phone": {"number": "+1 650-253-0000"}}),
        )
        .await;
    let problem = expect_problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        problem["errors"],
        json!([{"field": "/phone/number", "code": "foreign_number_in_domestic_mode",
                "params": {"country": "US"}}])
    );
}

#[tokio::test]
async fn an_overseas_number_is_stored_as_e164_with_its_country() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let response = server
        .put_identity(
            &token,
            &etag,
            json!({"phone": {"number": "090-1234-5678", "overseas": true, "country": "JP"}}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["phone"],
        json!({"e164": "+819012345678", "country": "JP", "overseas": true})
    );
    assert_eq!(
        body["email"],
        Value::Null,
        "PUT replaces: the e-mail left out is cleared"
    );
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response_and_refuses_another_body() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let put = |body: Value, key: &'static str| {
        server
            .request(Method::PUT, "/v1/identity")
            .bearer_auth(&token)
            .header("if-match", &etag)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let body = server
        .with_proofs(&token, json!({"email": "new.address@gmail.com"}))
        .await;
    let first = put(body.clone(), "key-1").await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let first_etag = header(&first, "etag").unwrap();
    let first_body = first.bytes().await.unwrap();
    let writes = server.handle.stats().writes_applied;
    // The retry carries the old If-Match, which is stale now: the replay still answers as the first.
    let again = put(body.clone(), "key-1").await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        header(&again, "idempotent-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(header(&again, "etag").unwrap(), first_etag);
    assert_eq!(again.bytes().await.unwrap(), first_body);
    assert_eq!(
        server.handle.stats().writes_applied,
        writes,
        "a replay applies nothing"
    );
    assert_eq!(server.handle.stats().idempotent_replays, 1);
    let other = put(json!({"email": "other@gmail.com"}), "key-1")
        .await
        .unwrap();
    expect_problem(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    // A refused request is not kept: the same key and body work once the cause is fixed (here:
    // the stale If-Match is brought up to date).
    let body = server
        .with_proofs(&token, json!({"email": "second.address@gmail.com"}))
        .await;
    let stale = put(body.clone(), "key-2").await.unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);
    let fixed = server
        .request(Method::PUT, "/v1/identity")
        .bearer_auth(&token)
        .header("if-match", &first_etag)
        .header("idempotency-key", "key-2")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(fixed.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_delete_is_replayed_and_a_purged_response_is_never_reapplied() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let body = server
        .with_proofs(&token, json!({"email": "kept@gmail.com"}))
        .await;
    let saved = server
        .request(Method::PUT, "/v1/identity")
        .bearer_auth(&token)
        .header("if-match", &etag)
        .header("idempotency-key", "save-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let delete = || {
        server
            .request(Method::DELETE, "/v1/identity")
            .bearer_auth(&token)
            .header("idempotency-key", "delete-1")
            .send()
    };
    assert_eq!(delete().await.unwrap().status(), StatusCode::NO_CONTENT);
    let replay = delete().await.unwrap();
    assert_eq!(replay.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header(&replay, "idempotent-replayed").as_deref(),
        Some("true")
    );
    let late = server
        .request(Method::PUT, "/v1/identity")
        .bearer_auth(&token)
        .header("if-match", &etag)
        .header("idempotency-key", "save-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    expect_problem(late, StatusCode::CONFLICT, "idempotency_response_purged").await;
    let (_, body) = server.identity(&token).await;
    assert_eq!(body["email"], Value::Null);
    assert_eq!(body["consent"]["state"], "withdrawn");
}

#[tokio::test]
async fn refusing_destroys_registered_info() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let refused = server.consent(&token, "refused").await;
    assert_eq!(refused.status(), StatusCode::OK);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["consent"]["state"], "refused");
    assert_eq!(body["email"], Value::Null);
    assert_eq!(body["phone"], Value::Null);
}

#[tokio::test]
async fn bad_input_is_problem_json_never_a_500() {
    let server = TestServer::start().await;
    let token = server.token(REGISTERED).await;
    let (etag, _) = server.identity(&token).await;
    let put = || {
        server
            .request(Method::PUT, "/v1/identity")
            .bearer_auth(&token)
            .header("if-match", &etag)
    };
    let wrong_type = put()
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    expect_problem(
        wrong_type,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let big = format!("{{\"email\": \"{}\"}}", "a".repeat(20_000));
    let too_large = put()
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    expect_problem(
        too_large,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    let malformed = put()
        .header("content-type", "application/json")
        .body("{\"email\":")
        .send()
        .await
        .unwrap();
    expect_problem(malformed, StatusCode::BAD_REQUEST, "malformed_json").await;
    let array = put().json(&json!(["a@b.kr", null])).send().await.unwrap();
    expect_problem(array, StatusCode::BAD_REQUEST, "invalid_body").await;
    let empty_if_match = server
        .request(Method::DELETE, "/v1/identity")
        .bearer_auth(&token)
        .header("if-match", "")
        .send()
        .await
        .unwrap();
    expect_problem(
        empty_if_match,
        StatusCode::BAD_REQUEST,
        "invalid_precondition",
    )
    .await;
    let unknown = put()
        .json(&json!({"email": "a@b.kr", "admin": true}))
        .send()
        .await
        .unwrap();
    expect_problem(unknown, StatusCode::BAD_REQUEST, "invalid_body").await;
    let wrong_shape = put()
        .json(&json!({"phone": "010-1234-5678"}))
        .send()
        .await
        .unwrap();
    let problem = expect_problem(wrong_shape, StatusCode::BAD_REQUEST, "invalid_body").await;
    assert!(
        !problem.to_string().contains("1234"),
        "no value echoed: {problem}"
    );
    let bad_key = put()
        .header("idempotency-key", "")
        .json(&json!({"email": "a@b.kr"}))
        .send()
        .await
        .unwrap();
    expect_problem(bad_key, StatusCode::BAD_REQUEST, "invalid_idempotency_key").await;
    let nowhere = server
        .request(Method::GET, "/v2/nothing")
        .send()
        .await
        .unwrap();
    expect_problem(nowhere, StatusCode::NOT_FOUND, "not_found").await;
    let wrong_method = server
        .request(Method::PATCH, "/v1/identity")
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(&wrong_method, "allow").as_deref(),
        Some("GET, PUT, DELETE, HEAD")
    );
    expect_problem(
        wrong_method,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let bearer_garbage = server
        .request(Method::GET, "/v1/identity")
        .header("authorization", "Basic Zm9vOmJhcg==")
        .send()
        .await
        .unwrap();
    expect_problem(bearer_garbage, StatusCode::UNAUTHORIZED, "unauthorized").await;
}
