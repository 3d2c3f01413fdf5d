//! The web side: the SMS webhook (`POST /sms`), the JSON API (`GET`/`DELETE /api/messages`) and
//! the inbox page (`GET /`), which refreshes itself so that a person running the demo sees codes
//! arrive.

use crate::{Inbox, Sms};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;
use tokio::net::TcpListener;

pub(crate) async fn serve(listener: TcpListener, inbox: Arc<Inbox>) {
    let router = Router::new()
        .route("/", get(page))
        .route("/sms", post(sms))
        .route("/api/messages", get(messages).delete(clear))
        .with_state(inbox);
    let _ = axum::serve(listener, router).await;
}

/// The webhook body: the shape the account API posts (`{"to": E.164, "text": "..."}`).
#[derive(Deserialize)]
struct SmsBody {
    to: String,
    text: String,
}

async fn sms(
    State(inbox): State<Arc<Inbox>>,
    headers: HeaderMap,
    Json(body): Json<SmsBody>,
) -> Response {
    if let Some(token) = &inbox.sms_token {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if sent != Some(token.as_str()) {
            return StatusCode::UNAUTHORIZED.into_response();
        }
    }
    inbox.add_sms(Sms {
        to: body.to,
        text: body.text,
        received_at: crate::now(),
    });
    (
        StatusCode::OK,
        Json(serde_json::json!({"status": "queued"})),
    )
        .into_response()
}

async fn messages(State(inbox): State<Arc<Inbox>>) -> Response {
    Json(inbox.snapshot()).into_response()
}

async fn clear(State(inbox): State<Arc<Inbox>>) -> StatusCode {
    inbox.clear();
    StatusCode::NO_CONTENT
}

async fn page(State(inbox): State<Arc<Inbox>>) -> Html<String> {
    let messages = inbox.snapshot();
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"2\"><title>dev-inbox</title>\
         <style>body{font-family:sans-serif;margin:2em}pre{white-space:pre-wrap;background:#f4f4f4;padding:.5em}\
         section{border-bottom:1px solid #ccc;margin-bottom:1em}</style></head><body>\
         <h1>dev-inbox</h1><p>Development only: mails and SMS the account API sent, newest first.</p>",
    );
    html.push_str("<h2>SMS</h2>");
    for sms in messages.sms.iter().rev() {
        html.push_str(&format!(
            "<section><p><b>{}</b> · {}</p><pre>{}</pre></section>",
            escape(&sms.to),
            escape(&sms.received_at),
            escape(&sms.text)
        ));
    }
    html.push_str("<h2>Mail</h2>");
    for mail in messages.mails.iter().rev() {
        html.push_str(&format!(
            "<section><p><b>{}</b> → {} · {}</p><p>{}</p><pre>{}</pre></section>",
            escape(&mail.from),
            escape(&mail.to.join(", ")),
            escape(&mail.received_at),
            escape(&mail.subject),
            escape(&mail.text)
        ));
    }
    html.push_str("</body></html>");
    Html(html)
}

/// HTML-escapes text (everything shown came from a sender).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            super::escape("<b>\"a\" & 'b'</b>"),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }
}
