//! `PUT /v1/identity/consent`: a decision on the notice the user was shown.

use super::identity::{current, deleted_alert, destroy, has_info, write, Applied, Context};
use crate::audit::{self, Kind};
use crate::auth::Account;
use crate::body::JsonBody;
use crate::identity::{self, ConsentState};
use crate::precondition;
use crate::problem::Problem;
use crate::state::AppState;
use crate::stats::Write;
use crate::step_up;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use mail_identity_core::wire::{ConsentDecision, ConsentWrite};
use serde_json::json;

pub async fn put(
    State(state): State<AppState>,
    account: Account,
    headers: HeaderMap,
    body: JsonBody<ConsentWrite>,
) -> Result<Response, Problem> {
    let if_match = precondition::if_match(&headers)?;
    let JsonBody { value, raw } = body;
    let notice = state.notice.clone();
    let context = Context::new(&state, account, &headers);
    let id = context.account.id;
    write(
        &state,
        id,
        &headers,
        "PUT",
        "/v1/identity/consent",
        raw,
        move |tx| {
            if !notice.is_current(&value.notice_version, &value.notice_sha256) {
                return Err(Problem::new(
                    StatusCode::CONFLICT,
                    "notice_outdated",
                    "The decision was made on a notice that is not the current one",
                )
                .detail(format!(
                    "show the current notice (version {}) and ask again",
                    notice.version
                )));
            }
            let old = identity::load(tx, id, &context.served)?;
            let destroys = value.decision == ConsentDecision::Refused && has_info(&old);
            if destroys {
                step_up::require(&context.account, context.now, context.max_age)?;
            }
            if let Some(if_match) = &if_match {
                if !if_match.matches(&old.etag()) {
                    return Err(precondition::stale(&old.etag()));
                }
            }
            let now = context.now_text.as_str();
            let client = context.client.as_str();
            let (state, kind) = match value.decision {
                ConsentDecision::Agreed => (ConsentState::Agreed, Kind::ConsentAgreed),
                ConsentDecision::Refused => (ConsentState::Refused, Kind::ConsentRefused),
            };
            identity::set_consent(
                tx,
                id,
                state,
                &value.notice_version,
                &value.notice_sha256,
                now,
            )?;
            audit::record(
                tx,
                id,
                now,
                client,
                kind,
                Some(&value.notice_version),
                json!({ "notice_sha256": value.notice_sha256.to_ascii_lowercase() }),
            )?;
            // Without consent there is no ground to keep the info: a refusal destroys it.
            if destroys {
                destroy(tx, &old, id, now, client, None)?;
            }
            let (reply, _) = current(tx, id, &context.served)?;
            Ok(Applied {
                reply,
                write: Write::Consent,
                scrub: destroys,
                alert: if destroys {
                    deleted_alert(&context, &old)
                } else {
                    None
                },
            })
        },
    )
    .await
}
