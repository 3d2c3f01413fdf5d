//! `/_test/*`: endpoints for the client's sync tests, mounted only in fault mode. Not part of the
//! contract (a production server has nothing like them).
//!
//! - `GET /_test/stats`: requests, injected faults, writes applied (not replayed), replays.
//! - `PUT /_test/faults` with `{"spec": "..."}`: replace the fault spec (restarts its counters).
//! - `DELETE /_test/faults`: no more faults.
//! - `GET /_test/audit`: the audit log.
//! - `POST /_test/clock` with `{"advance_seconds": N}`: moves the server's clock forward (code
//!   expiry, step-up age, caps windows, re-confirmation); answers `{"now": RFC 3339}`.

use crate::audit;
use crate::body::JsonBody;
use crate::faults::FaultSpec;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/_test/stats", get(stats))
        .route(
            "/_test/faults",
            axum::routing::put(set_faults).delete(clear_faults),
        )
        .route("/_test/audit", get(audit_log))
        .route("/_test/clock", axum::routing::post(advance_clock))
}

async fn stats(State(state): State<AppState>) -> Response {
    super::json(
        StatusCode::OK,
        serde_json::to_vec(&state.stats.snapshot()).unwrap_or_default(),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetFaults {
    spec: String,
}

async fn set_faults(
    State(state): State<AppState>,
    body: JsonBody<SetFaults>,
) -> Result<Response, Problem> {
    let spec: FaultSpec = body
        .value
        .spec
        .parse()
        .map_err(|e: crate::faults::SpecError| {
            Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_fault_spec",
                "The fault spec is not valid",
            )
            .detail(e.to_string())
        })?;
    if let Some(faults) = &state.faults {
        faults.set(spec);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn clear_faults(State(state): State<AppState>) -> Response {
    if let Some(faults) = &state.faults {
        faults.set(FaultSpec::default());
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn audit_log(State(state): State<AppState>) -> Result<Response, Problem> {
    let entries = state
        .store
        .call(|conn| audit::entries(conn).map_err(Problem::from))
        .await?;
    Ok(super::json(
        StatusCode::OK,
        serde_json::to_vec(&entries).unwrap_or_default(),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceClock {
    advance_seconds: u64,
}

async fn advance_clock(State(state): State<AppState>, body: JsonBody<AdvanceClock>) -> Response {
    state
        .clock
        .advance(std::time::Duration::from_secs(body.value.advance_seconds));
    super::json(
        StatusCode::OK,
        serde_json::to_vec(&serde_json::json!({ "now": state.clock.now_rfc3339() }))
            .unwrap_or_default(),
    )
}
