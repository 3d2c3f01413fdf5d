//! SMS through a provider-neutral webhook: `POST {url}` with `{"to": "+8210…", "text": "…"}` and,
//! when `MAIL_IDENTITY_SMS_TOKEN` is set, `Authorization: Bearer <token>`. A small adapter in front
//! of a Korean SMS service (NHN Cloud, Solapi, Aligo…) translates this one shape.

use super::{is_loopback, SendError, SetupError};
use std::time::Duration;

/// The webhook. `Debug` hides the token.
#[derive(Clone)]
pub struct SmsSettings {
    /// `https://…` (or `http://` on this machine).
    pub url: String,
    /// From the environment only: a command-line argument would show in `ps`.
    pub token: Option<String>,
}

impl std::fmt::Debug for SmsSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsSettings")
            .field("token", &self.token.is_some())
            .finish_non_exhaustive()
    }
}

pub(super) struct SmsWebhook {
    client: reqwest::Client,
    url: reqwest::Url,
    token: Option<String>,
}

impl SmsWebhook {
    pub(super) fn new(settings: &SmsSettings) -> Result<SmsWebhook, SetupError> {
        let url =
            reqwest::Url::parse(&settings.url).map_err(|_| SetupError::Sms("not a URL".into()))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(url.host_str().unwrap_or_default()) => {}
            _ => {
                return Err(SetupError::Sms(
                    "use https:// (http:// only on this machine)".into(),
                ))
            }
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| SetupError::Sms(e.to_string()))?;
        Ok(SmsWebhook {
            client,
            url,
            token: settings.token.clone(),
        })
    }

    pub(super) async fn send(&self, to: &str, text: &str) -> Result<(), SendError> {
        let mut request = self
            .client
            .post(self.url.clone())
            .json(&serde_json::json!({ "to": to, "text": text }));
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        match request.send().await {
            Ok(answer) if answer.status().is_success() => Ok(()),
            Ok(answer) => Err(SendError::Failed(format!(
                "the webhook answered {}",
                answer.status().as_u16()
            ))),
            Err(error) if error.is_timeout() => Err(SendError::Failed("timed out".into())),
            Err(_) => Err(SendError::Failed("the webhook could not be reached".into())),
        }
    }
}
