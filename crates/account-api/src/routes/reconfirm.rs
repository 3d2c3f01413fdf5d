//! `POST /v1/identity/reconfirm`: the employee says the registered info is still right. Records
//! `confirmed_at` and an audit entry; changes nothing else, so it needs no step-up.

use super::identity::{current, has_info, write, Applied, Context};
use super::require_consent;
use crate::audit::{self, Kind};
use crate::auth::Account;
use crate::identity;
use crate::precondition;
use crate::problem::Problem;
use crate::state::AppState;
use crate::stats::Write;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::json;

pub async fn post(
    State(state): State<AppState>,
    account: Account,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let if_match = precondition::if_match(&headers)?;
    let context = Context::new(&state, account, &headers);
    let id = context.account.id;
    write(
        &state,
        id,
        &headers,
        "POST",
        "/v1/identity/reconfirm",
        Bytes::new(),
        move |tx| {
            let old = identity::load(tx, id, &context.served)?;
            require_consent(&old.identity)?;
            if !has_info(&old) {
                return Err(Problem::new(
                    StatusCode::CONFLICT,
                    "no_info",
                    "Nothing is registered to keep",
                ));
            }
            if let Some(if_match) = &if_match {
                if !if_match.matches(&old.etag()) {
                    return Err(precondition::stale(&old.etag()));
                }
            }
            identity::set_confirmed(tx, id, &context.now_text)?;
            audit::record(
                tx,
                id,
                &context.now_text,
                &context.client,
                Kind::Reconfirm,
                old.identity.consent.notice_version.as_deref(),
                json!({
                    "has_email": old.identity.email.is_some(),
                    "has_phone": old.identity.phone.is_some(),
                }),
            )?;
            let (reply, _) = current(tx, id, &context.served)?;
            Ok(Applied {
                reply,
                write: Write::Identity,
                scrub: false,
                alert: None,
            })
        },
    )
    .await
}
