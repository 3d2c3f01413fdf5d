//! Reading a JSON request body the strict way: `application/json` only (415), at most
//! [`BODY_LIMIT`] bytes (413), valid JSON (400 `malformed_json`), exactly the schema with no
//! unknown fields (400 `invalid_body`). Each refusal is problem+json, and none echoes the body.

use crate::problem::Problem;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

/// The largest body any endpoint accepts: 16 KiB, far above any legitimate request.
pub const BODY_LIMIT: usize = 16 * 1024;

/// A parsed JSON body, with the raw bytes kept for the idempotency fingerprint.
pub struct JsonBody<T> {
    pub value: T,
    pub raw: Bytes,
}

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Problem;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        if let Some(length) = parts.headers.get(header::CONTENT_LENGTH) {
            let declared = length.to_str().ok().and_then(|s| s.parse::<u64>().ok());
            if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
                return Err(Problem::payload_too_large(BODY_LIMIT));
            }
        }
        if !is_json(parts.headers.get(header::CONTENT_TYPE)) {
            return Err(Problem::unsupported_media_type());
        }
        let raw = read_limited(body).await?;
        let value = parse(&raw)?;
        Ok(JsonBody { value, raw })
    }
}

/// `application/json`, with or without parameters (`; charset=utf-8`).
fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(value) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
}

async fn read_limited(body: Body) -> Result<Bytes, Problem> {
    match Limited::new(body, BODY_LIMIT).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(Problem::payload_too_large(BODY_LIMIT))
        }
        Err(error) if crate::deadline::is_timeout(&*error) => Err(Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "The request body did not arrive in time",
        )),
        Err(_) => Err(Problem::bad_request("the body could not be read")),
    }
}

/// Parses `raw` as `T`; the error detail gives a position and a category, never the input.
pub fn parse<T: DeserializeOwned>(raw: &[u8]) -> Result<T, Problem> {
    // serde reads a struct from a JSON array too (`["a@b.kr", null]`): every body is an object.
    let first = raw.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{') {
        serde_json::from_slice::<serde::de::IgnoredAny>(raw)
            .map_err(|_| Problem::malformed_json("the body is not valid JSON"))?;
        return Err(Problem::invalid_body("the body must be a JSON object"));
    }
    serde_json::from_slice(raw).map_err(|e| {
        let at = format!("line {}, column {}", e.line(), e.column());
        match e.classify() {
            serde_json::error::Category::Data => Problem::invalid_body(format!(
                "the body does not match the schema (a missing, unknown or mistyped member near {at})"
            )),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                Problem::malformed_json(format!("the body is not valid JSON ({at})"))
            }
            serde_json::error::Category::Io => Problem::bad_request("the body could not be read"),
        }
    })
}
