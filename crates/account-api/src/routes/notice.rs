//! `GET /v1/identity/notice?locale=ko|en`: the consent notice's version, text and SHA-256. Public:
//! the text is the same for everyone and is shown before any decision.

use crate::notice::text;
use crate::problem::Problem;
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use mail_identity_core::locale::Locale;
use mail_identity_core::wire::Notice;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NoticeQuery {
    locale: Option<String>,
}

pub async fn notice(
    State(state): State<AppState>,
    query: Result<Query<NoticeQuery>, QueryRejection>,
) -> Result<Response, Problem> {
    let Query(query) =
        query.map_err(|_| Problem::bad_request("the query string could not be read"))?;
    let locale = match query.locale.as_deref() {
        None => Locale::Ko,
        Some(tag) => Locale::from_tag(tag).ok_or_else(|| {
            Problem::new(StatusCode::BAD_REQUEST, "invalid_locale", "Unknown locale")
                .detail("locale is ko or en")
        })?,
    };
    let body = Notice {
        version: state.notice.version.clone(),
        locale,
        text: text(locale).to_string(),
        sha256: state.notice.sha256(locale).to_string(),
    };
    let mut response = super::json(
        StatusCode::OK,
        serde_json::to_vec(&body).unwrap_or_default(),
    );
    response.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(locale.tag()),
    );
    Ok(response)
}
