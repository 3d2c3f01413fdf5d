//! `GET /v1/me`: who is signed in.

use crate::auth::Account;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use mail_identity_core::wire::Account as Me;

pub async fn me(State(state): State<AppState>, account: Account) -> Result<Response, Problem> {
    let me = state
        .store
        .call(move |conn| {
            conn.query_row(
                "SELECT address, display_name, organisation FROM accounts WHERE id = ?1",
                [account.id],
                |r| {
                    Ok(Me {
                        address: r.get(0)?,
                        display_name: r.get(1)?,
                        organisation: r.get(2)?,
                    })
                },
            )
            .map_err(Problem::from)
        })
        .await?;
    Ok(super::json(
        StatusCode::OK,
        serde_json::to_vec(&me).unwrap_or_default(),
    ))
}
