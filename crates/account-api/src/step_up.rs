//! Step-up (RFC 9470): changing or deleting the info, refusing consent while info is registered,
//! and starting a verification need a password entered at most `max_age` ago. A refresh does not
//! count as entering it ([`crate::auth`] carries `auth_time` unchanged through refreshes), so a
//! stolen refresh token alone cannot change where recovery codes go.
//!
//! The checks of a guarded request run in this order: authentication (401 `unauthorized`), step-up
//! (401 `step_up_required`), consent (409), precondition and validation (428/412/422), proofs
//! (422 `verification_required`). An Idempotency-Key replay answers the kept response before any of
//! them but authentication: it changes nothing.

use crate::auth::Account;
use crate::problem::Problem;
use axum::http::StatusCode;
use std::time::Duration;

/// `Ok` when the password of `account`'s sign-in was entered within `max_age` of `now`.
pub fn require(account: &Account, now: i64, max_age: Duration) -> Result<(), Problem> {
    let max_age = max_age.as_secs();
    if now.saturating_sub(account.auth_time) <= max_age as i64 {
        return Ok(());
    }
    Err(challenge(max_age))
}

/// The 401 that asks for the password again.
pub fn challenge(max_age: u64) -> Problem {
    Problem::new(
        StatusCode::UNAUTHORIZED,
        "step_up_required",
        "A recent sign-in is required",
    )
    .detail("sign in with the password again and repeat the request")
    .max_age(max_age)
    .www_authenticate(format!(
        "Bearer error=\"insufficient_user_authentication\", \
         error_description=\"A recent sign-in is required\", max_age={max_age}"
    ))
}
