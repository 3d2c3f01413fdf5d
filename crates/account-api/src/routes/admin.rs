//! `/v1/admin/*`: the administrator's routes, for admin tokens only (see [`crate::admin`]).
//!
//! Every call made with a valid admin token is recorded in the audit log (`admin_call`: the token's
//! id, the action and the answer's status), whether it succeeded or not.

use crate::admin::deletion::{self, Actor};
use crate::admin::report::{self, Range, RangeError};
use crate::admin::tokens::{Admin, Scope};
use crate::admin::trail::{self, Filter, TrailError};
use crate::audit::{self, Kind};
use crate::body::JsonBody;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

/// Runs an admin action and records the call, with the status it answered.
async fn audited<F>(
    state: &AppState,
    admin: &Admin,
    headers: &HeaderMap,
    action: &'static str,
    scope: Scope,
    run: F,
) -> Result<Response, Problem>
where
    F: std::future::Future<Output = Result<Response, Problem>>,
{
    let outcome = match admin.require(scope) {
        Ok(()) => run.await,
        Err(refused) => Err(refused),
    };
    let status = match &outcome {
        Ok(response) => response.status(),
        Err(problem) => problem.status(),
    };
    let (client, now, by) = (
        super::client(headers),
        state.clock.now_rfc3339(),
        admin.token_id.clone(),
    );
    state
        .store
        .call(move |conn| {
            audit::record(
                conn,
                0,
                &now,
                &client,
                Kind::AdminCall,
                None,
                json!({ "token": by, "action": action, "status": status.as_u16() }),
            )
            .map_err(Problem::from)
        })
        .await?;
    outcome
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeletionRequest {
    /// The webmail address of the account to delete.
    account: String,
}

/// `POST /v1/admin/account-deletions`: deletes an account (scope `accounts:delete`).
pub async fn delete_account(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    body: JsonBody<DeletionRequest>,
) -> Result<Response, Problem> {
    let address = body.value.account;
    let run = async {
        if address.trim().is_empty() || address.len() > 320 {
            return Err(Problem::invalid_body("account is a webmail address"));
        }
        let client = super::client(&headers);
        let by = format!("token:{}", admin.token_id);
        let now = state.clock.now_rfc3339();
        let address = address.clone();
        let deleted = state
            .store
            .call(move |conn| {
                deletion::delete_account(
                    conn,
                    &address,
                    &now,
                    &Actor {
                        client: &client,
                        by: &by,
                    },
                )
                .map_err(Problem::from)
            })
            .await?;
        for id in &deleted.codes_cancelled {
            state.pending.remove(id);
        }
        Ok(super::json(
            StatusCode::OK,
            serde_json::to_vec(&deleted).unwrap_or_default(),
        ))
    };
    audited(
        &state,
        &admin,
        &headers,
        "delete_account",
        Scope::AccountsDelete,
        run,
    )
    .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

/// Whether the caller asked for CSV: `?format=csv`, or `Accept: text/csv` without `?format`.
fn wants_csv(format: Option<&str>, headers: &HeaderMap) -> Result<bool, Problem> {
    match format {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        Some(_) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_format",
            "Unknown report format",
        )
        .detail("format is json or csv")),
        None => Ok(headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/csv"))),
    }
}

/// `GET /v1/admin/report`: the registration report (scope `report:read`).
pub async fn report(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let run = async {
        let Query(query) =
            query.map_err(|_| Problem::bad_request("the query string could not be read"))?;
        let csv = wants_csv(query.format.as_deref(), &headers)?;
        let now = state.clock.now();
        let range = Range::parse(query.from.as_deref(), query.to.as_deref(), now.date()).map_err(
            |e: RangeError| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_range",
                    "The date range is not valid",
                )
                .detail(e.to_string())
            },
        )?;
        let now = crate::clock::rfc3339(now);
        let built = state
            .store
            .call(move |conn| report::build(conn, range, &now).map_err(Problem::from))
            .await?;
        if !csv {
            return Ok(super::json(
                StatusCode::OK,
                serde_json::to_vec(&built).unwrap_or_default(),
            ));
        }
        let mut response = (StatusCode::OK, report::to_csv(&built)).into_response();
        let out = response.headers_mut();
        out.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
        );
        out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        Ok(response)
    };
    audited(&state, &admin, &headers, "report", Scope::ReportRead, run).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    from: Option<String>,
    to: Option<String>,
    /// Comma-separated kinds.
    kind: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

/// `GET /v1/admin/audit`: a page of the audit trail (scope `audit:read`).
pub async fn audit_trail(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let run = async {
        let Query(query) =
            query.map_err(|_| Problem::bad_request("the query string could not be read"))?;
        let filter = Filter {
            from: query.from,
            to: query.to,
            kinds: query
                .kind
                .map(|k| k.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default(),
            cursor: query.cursor,
            limit: query.limit,
        };
        let page = state
            .store
            .call(move |conn| {
                trail::page(conn, &filter).map_err(|e| match e {
                    TrailError::Filter(e) => Problem::new(
                        StatusCode::BAD_REQUEST,
                        "invalid_filter",
                        "The audit filter is not valid",
                    )
                    .detail(e.to_string()),
                    TrailError::Store(e) => Problem::from(e),
                })
            })
            .await?;
        Ok(super::json(
            StatusCode::OK,
            serde_json::to_vec(&page).unwrap_or_default(),
        ))
    };
    audited(&state, &admin, &headers, "audit", Scope::AuditRead, run).await
}
