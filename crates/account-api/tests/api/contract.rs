//! The OpenAPI document and the server agree.
//!
//! Chosen over generating the document from code (utoipa): the document is the authoritative,
//! hand-written contract that the client is built against, so the test reads *it* and checks the
//! server: the same paths and methods as the router ([`account_api::ROUTES`], which the router and
//! its 405 answers are built from), security as documented, and — over a tour of real requests
//! that provokes every documented kind of answer — each status and media type the server sends is
//! documented for that operation, with the headers the document promises. Schemathesis then
//! checks the bodies against the schemas (`cargo xtask test api-contract`).

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

fn document() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/api/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("docs/api/openapi.yaml");
    serde_saphyr::from_str(&text).expect("the OpenAPI document is valid YAML")
}

fn operation<'a>(doc: &'a Value, method: &Method, path: &str) -> &'a Value {
    let op = &doc["paths"][path][method.as_str().to_lowercase()];
    assert!(op.is_object(), "{method} {path} is not in the document");
    op
}

/// Follows a `$ref` to `#/components/...`.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            doc.pointer(pointer)
                .unwrap_or_else(|| panic!("dangling $ref {reference}"))
        }
        None => value,
    }
}

#[test]
fn the_document_has_exactly_the_routers_paths_and_methods() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
                .map(move |m| (path.clone(), m.to_uppercase()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = account_api::ROUTES
        .iter()
        .flat_map(|(path, methods)| {
            methods
                .iter()
                .map(move |m| (path.to_string(), m.to_string()))
        })
        .collect();
    assert_eq!(documented, routed);
}

#[test]
fn every_reference_in_the_document_resolves() {
    fn walk(doc: &Value, value: &Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    assert!(
                        doc.pointer(r.trim_start_matches('#')).is_some(),
                        "dangling {r}"
                    );
                }
                map.values().for_each(|v| walk(doc, v));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(doc, v)),
            _ => {}
        }
    }
    let doc = document();
    walk(&doc, &doc);
}

/// Checks one real response against the document.
async fn check(
    doc: &Value,
    method: Method,
    path: &str,
    response: reqwest::Response,
) -> (StatusCode, Value) {
    let status = response.status();
    let op = operation(doc, &method, path);
    let documented = &op["responses"][status.as_str()];
    assert!(
        documented.is_object(),
        "{method} {path} answered {status}, which is not documented"
    );
    let documented = resolve(doc, documented);
    let content_type = header(&response, "content-type");
    match documented.get("content").and_then(Value::as_object) {
        Some(media) => {
            let ct = content_type.clone().unwrap_or_default();
            assert!(
                media.contains_key(&ct),
                "{method} {path} {status}: {ct} is not documented"
            );
        }
        None => assert!(
            content_type.is_none() || status == StatusCode::OK,
            "{method} {path} {status}: a body where none is documented"
        ),
    }
    if let Some(headers) = documented.get("headers").and_then(Value::as_object) {
        for name in headers.keys() {
            if name == "Idempotent-Replayed"
                || name == "Cache-Control"
                || name == "Content-Language"
            {
                continue;
            }
            assert!(
                header(&response, name).is_some(),
                "{method} {path} {status}: no {name} header"
            );
        }
    }
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn a_tour_of_real_answers_matches_the_documented_statuses_media_types_and_headers() {
    let doc = document();
    let server = TestServer::with_faults("none").await;
    let post_token = |body: Value| {
        server
            .request(Method::POST, "/v1/auth/token")
            .json(&body)
            .send()
    };

    // Auth.
    let ok =
        post_token(json!({"grant_type": "password", "username": REGISTERED, "password": PASSWORD}));
    let (_, tokens) = check(&doc, Method::POST, "/v1/auth/token", ok.await.unwrap()).await;
    let token = tokens["access_token"].as_str().unwrap().to_string();
    let bad =
        post_token(json!({"grant_type": "password", "username": REGISTERED, "password": "x"}));
    check(&doc, Method::POST, "/v1/auth/token", bad.await.unwrap()).await;
    let unknown_member = post_token(json!({"grant_type": "password", "extra": 1}));
    check(
        &doc,
        Method::POST,
        "/v1/auth/token",
        unknown_member.await.unwrap(),
    )
    .await;
    let form = server
        .request(Method::POST, "/v1/auth/token")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=password")
        .send();
    check(&doc, Method::POST, "/v1/auth/token", form.await.unwrap()).await;
    let huge = server
        .request(Method::POST, "/v1/auth/token")
        .header("content-type", "application/json")
        .body(vec![b' '; 17 * 1024])
        .send();
    check(&doc, Method::POST, "/v1/auth/token", huge.await.unwrap()).await;
    let revoke = server
        .request(Method::POST, "/v1/auth/revoke")
        .json(&json!({"token": "x"}))
        .send();
    check(&doc, Method::POST, "/v1/auth/revoke", revoke.await.unwrap()).await;

    // Reads, with and without a token.
    for path in ["/v1/me", "/v1/identity"] {
        let anonymous = server.request(Method::GET, path).send().await.unwrap();
        let (status, _) = check(&doc, Method::GET, path, anonymous).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            operation(&doc, &Method::GET, path)
                .get("security")
                .is_none(),
            "{path} inherits bearer"
        );
        let signed_in = server
            .request(Method::GET, path)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        check(&doc, Method::GET, path, signed_in).await;
    }
    for path in ["/v1/auth/token", "/v1/auth/revoke", "/v1/identity/notice"] {
        let method = if path == "/v1/identity/notice" {
            Method::GET
        } else {
            Method::POST
        };
        assert_eq!(
            operation(&doc, &method, path)["security"],
            json!([]),
            "{path} is public"
        );
    }
    let notice = server
        .request(Method::GET, "/v1/identity/notice?locale=en")
        .send();
    check(
        &doc,
        Method::GET,
        "/v1/identity/notice",
        notice.await.unwrap(),
    )
    .await;
    let bad_locale = server
        .request(Method::GET, "/v1/identity/notice?locale=xx")
        .send();
    check(
        &doc,
        Method::GET,
        "/v1/identity/notice",
        bad_locale.await.unwrap(),
    )
    .await;
    let (etag, _) = server.identity(&token).await;
    let not_modified = server
        .request(Method::GET, "/v1/identity")
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send();
    check(
        &doc,
        Method::GET,
        "/v1/identity",
        not_modified.await.unwrap(),
    )
    .await;

    // Writes: 428, 412, 422, 415, 400, 200, replay, 422 reused, consent 409/200, 204.
    let put = |if_match: Option<&str>, key: Option<&str>, body: Value| {
        let mut request = server
            .request(Method::PUT, "/v1/identity")
            .bearer_auth(&token)
            .json(&body);
        if let Some(tag) = if_match {
            request = request.header("if-match", tag);
        }
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        request.send()
    };
    let email = json!({"email": "tour.guide@gmail.com"});
    for response in [
        put(None, None, email.clone()).await.unwrap(),
        put(Some("\"stale\""), None, email.clone()).await.unwrap(),
        put(Some(&etag), None, json!({"email": "nope"}))
            .await
            .unwrap(),
        put(Some(&etag), None, json!({"mail": "x"})).await.unwrap(),
        put(Some(&etag), Some("tour"), email.clone()).await.unwrap(),
        put(Some(&etag), Some("tour"), email.clone()).await.unwrap(),
        put(
            Some(&etag),
            Some("tour"),
            json!({"email": "other.guide@gmail.com"}),
        )
        .await
        .unwrap(),
    ] {
        check(&doc, Method::PUT, "/v1/identity", response).await;
    }
    let consent = |body: Value| {
        server
            .request(Method::PUT, "/v1/identity/consent")
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let outdated =
        consent(json!({"decision": "agreed", "notice_version": "0", "notice_sha256": "0"}));
    check(
        &doc,
        Method::PUT,
        "/v1/identity/consent",
        outdated.await.unwrap(),
    )
    .await;
    let (version, sha256) = server.notice("ko").await;
    let agreed =
        consent(json!({"decision": "agreed", "notice_version": version, "notice_sha256": sha256}));
    check(
        &doc,
        Method::PUT,
        "/v1/identity/consent",
        agreed.await.unwrap(),
    )
    .await;
    let delete = server
        .request(Method::DELETE, "/v1/identity")
        .bearer_auth(&token)
        .send();
    check(&doc, Method::DELETE, "/v1/identity", delete.await.unwrap()).await;
    // `If-Match: *` names no version: refused like a missing header, before anything else.
    let any = put(Some("*"), None, email.clone()).await.unwrap();
    let (status, body) = check(&doc, Method::PUT, "/v1/identity", any).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::PRECONDITION_REQUIRED,
            Some("precondition_required")
        )
    );
    let current = server
        .request(Method::GET, "/v1/identity")
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let current_etag = header(&current, "etag").unwrap().to_string();
    let consent_first = put(Some(&current_etag), None, email.clone()).await.unwrap();
    let (status, body) = check(&doc, Method::PUT, "/v1/identity", consent_first).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("consent_required"))
    );

    // 429 and 503 from the fault mode, on every operation.
    server.handle.set_faults("503@1,429@2".parse().unwrap());
    let first = server
        .request(Method::GET, "/v1/me")
        .bearer_auth(&token)
        .send();
    check(&doc, Method::GET, "/v1/me", first.await.unwrap()).await;
    let second = server
        .request(Method::GET, "/v1/me")
        .bearer_auth(&token)
        .send();
    check(&doc, Method::GET, "/v1/me", second.await.unwrap()).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for status in ["429", "503"] {
                assert!(
                    op["responses"][status].is_object(),
                    "{method} {path} must document {status}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_routes_table_is_the_router() {
    // ROUTES is what the document is compared with: probe the live router to prove it is exact.
    let server = TestServer::start().await;
    for (path, methods) in account_api::ROUTES {
        for method in [
            Method::GET,
            Method::PUT,
            Method::POST,
            Method::DELETE,
            Method::PATCH,
        ] {
            let status = server
                .request(method.clone(), path)
                .send()
                .await
                .unwrap()
                .status();
            if methods.contains(&method.as_str()) {
                assert!(
                    status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is in ROUTES but answered {status}"
                );
            } else {
                assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            }
        }
    }
}

#[tokio::test]
async fn a_tour_of_the_ownership_code_answers_matches_the_document() {
    let doc = document();
    let server = TestServer::start_with(|c| {
        c.send_caps.per_account = account_api::Cap {
            per_hour: 2,
            per_day: 10,
        }
    })
    .await;
    let token = server.token(PENDING).await;
    let start = |body: Value| {
        server
            .request(Method::POST, "/v1/identity/verifications")
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    const START: &str = "/v1/identity/verifications";
    const RESEND: &str = "/v1/identity/verifications/{id}/resend";
    const CONFIRM: &str = "/v1/identity/verifications/{id}/confirm";
    let email = json!({"channel": "email", "email": "tour.code@gmail.com"});
    let (status, _) = check(
        &doc,
        Method::POST,
        START,
        start(email.clone()).await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "consent first");
    server.consent(&token, "agreed").await;
    let (status, started) = check(
        &doc,
        Method::POST,
        START,
        start(email.clone()).await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    for body in [
        json!({"channel": "email", "email": "nope"}),
        json!({"channel": "fax"}),
        json!({"channel": "phone"}),
    ] {
        check(&doc, Method::POST, START, start(body).await.unwrap()).await;
    }
    check(
        &doc,
        Method::POST,
        START,
        start(email.clone()).await.unwrap(),
    )
    .await;
    let (status, _) = check(
        &doc,
        Method::POST,
        START,
        start(email.clone()).await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let id = started["id"].as_str().unwrap();
    let post = |path: String, body: Option<Value>| {
        let mut request = server.request(Method::POST, &path).bearer_auth(&token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let resend = format!("/v1/identity/verifications/{id}/resend");
    let confirm = format!("/v1/identity/verifications/{id}/confirm");
    check(
        &doc,
        Method::POST,
        RESEND,
        post(resend.clone(), None).await.unwrap(),
    )
    .await;
    check(
        &doc,
        Method::POST,
        RESEND,
        post("/v1/identity/verifications/unknown/resend".into(), None)
            .await
            .unwrap(),
    )
    .await;
    let wrong = json!({"code": "12345x"});
    let (status, body) = check(
        &doc,
        Method::POST,
        CONFIRM,
        post(confirm.clone(), Some(wrong.clone())).await.unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["attempts_left"].as_u64()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some(4))
    );
    check(
        &doc,
        Method::POST,
        CONFIRM,
        post(confirm.clone(), Some(json!({"code": 1})))
            .await
            .unwrap(),
    )
    .await;
    let code = server.next_code("email", 0).await;
    let (status, _) = check(
        &doc,
        Method::POST,
        CONFIRM,
        post(confirm.clone(), Some(json!({ "code": code })))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    server
        .handle
        .advance_clock(std::time::Duration::from_secs(400));
    let (status, _) = check(
        &doc,
        Method::POST,
        CONFIRM,
        post(confirm.clone(), Some(json!({ "code": code })))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::GONE);
    // Step-up, re-confirmation.
    let (status, _) = check(&doc, Method::POST, START, start(email).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let reconfirm = || {
        server
            .request(Method::POST, "/v1/identity/reconfirm")
            .bearer_auth(&token)
            .send()
    };
    check(
        &doc,
        Method::POST,
        "/v1/identity/reconfirm",
        reconfirm().await.unwrap(),
    )
    .await;
    let registered = server.token(REGISTERED).await;
    let kept = server
        .request(Method::POST, "/v1/identity/reconfirm")
        .bearer_auth(&registered)
        .header("if-match", "\"stale\"")
        .send();
    check(
        &doc,
        Method::POST,
        "/v1/identity/reconfirm",
        kept.await.unwrap(),
    )
    .await;
    let kept = server
        .request(Method::POST, "/v1/identity/reconfirm")
        .bearer_auth(&registered)
        .send();
    let (status, _) = check(
        &doc,
        Method::POST,
        "/v1/identity/reconfirm",
        kept.await.unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Without senders: 503.
    let bare = TestServer::start_with(|c| c.smtp = None).await;
    let token = bare.token(REGISTERED).await;
    let refused = bare
        .request(Method::POST, START)
        .bearer_auth(&token)
        .json(&json!({"channel": "email"}))
        .send();
    let (status, _) = check(&doc, Method::POST, START, refused.await.unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn a_tour_of_the_admin_answers_and_of_a_deleted_account_matches_the_document() {
    use account_api::admin::tokens::Scope;
    let doc = document();
    let server = TestServer::start().await;
    let admin = server
        .handle
        .create_admin_token("tour", &Scope::ALL)
        .await
        .unwrap();
    let reader = server
        .handle
        .create_admin_token("tour", &[Scope::ReportRead])
        .await
        .unwrap();
    let employee = server.sign_in(PENDING).await;
    let access = employee["access_token"].as_str().unwrap().to_string();
    let refresh = employee["refresh_token"].as_str().unwrap().to_string();
    for path in [
        "/v1/admin/account-deletions",
        "/v1/admin/report",
        "/v1/admin/audit",
    ] {
        let method = if path.ends_with("deletions") {
            Method::POST
        } else {
            Method::GET
        };
        assert_eq!(
            operation(&doc, &method, path)["security"],
            json!([{"adminBearer": []}]),
            "{path} takes admin tokens only"
        );
    }
    let get = |path: &'static str, token: String, accept: &'static str| {
        let request = server
            .request(Method::GET, path)
            .bearer_auth(token)
            .header("accept", accept);
        async move { request.send().await.unwrap() }
    };
    for (path, query) in [
        ("/v1/admin/report", "/v1/admin/report?format=xml"),
        ("/v1/admin/audit", "/v1/admin/audit?limit=0"),
    ] {
        check(
            &doc,
            Method::GET,
            path,
            get(path, admin.clone(), "*/*").await,
        )
        .await;
        check(
            &doc,
            Method::GET,
            path,
            get(query, admin.clone(), "*/*").await,
        )
        .await;
        check(
            &doc,
            Method::GET,
            path,
            get(path, access.clone(), "*/*").await,
        )
        .await;
    }
    let csv = get("/v1/admin/report", admin.clone(), "text/csv").await;
    check(&doc, Method::GET, "/v1/admin/report", csv).await;
    let forbidden = get("/v1/admin/audit", reader.clone(), "*/*").await;
    let (status, _) = check(&doc, Method::GET, "/v1/admin/audit", forbidden).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let delete = |token: String, address: &'static str| {
        let request = server
            .request(Method::POST, "/v1/admin/account-deletions")
            .bearer_auth(token)
            .json(&json!({ "account": address }));
        async move { request.send().await.unwrap() }
    };
    let path = "/v1/admin/account-deletions";
    for (token, address, expected) in [
        (reader.clone(), PENDING, StatusCode::FORBIDDEN),
        (admin.clone(), "nobody@corp.example", StatusCode::NOT_FOUND),
        (admin.clone(), PENDING, StatusCode::OK),
        (admin.clone(), PENDING, StatusCode::GONE),
    ] {
        let (status, _) = check(&doc, Method::POST, path, delete(token, address).await).await;
        assert_eq!(status, expected);
    }
    // The deleted account's app, on each kind of contact.
    for path in ["/v1/me", "/v1/identity"] {
        let (status, _) = check(
            &doc,
            Method::GET,
            path,
            get(path, access.clone(), "*/*").await,
        )
        .await;
        assert_eq!(status, StatusCode::GONE);
    }
    let refreshed = server
        .request(Method::POST, "/v1/auth/token")
        .json(&json!({"grant_type": "refresh_token", "refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    let (status, _) = check(&doc, Method::POST, "/v1/auth/token", refreshed).await;
    assert_eq!(status, StatusCode::GONE);
}
