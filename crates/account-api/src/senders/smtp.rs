//! E-mail over SMTP with lettre: the relay from `--smtp URL` (lettre's URL forms), plain only to a
//! relay on this machine, otherwise STARTTLS required (`?tls=required`) or implicit TLS (`smtps://`).

use super::{is_loopback, SendError, SetupError};
use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

/// The SMTP relay. `Debug` hides the URL's userinfo and the password.
#[derive(Clone)]
pub struct SmtpSettings {
    /// `smtp://host:port` (loopback only), `smtp://host:587?tls=required`, `smtps://host:465`;
    /// credentials may be in the userinfo.
    pub url: String,
    /// The sender address of every message.
    pub from: String,
    /// A user name for AUTH when the URL has none (the password from the environment).
    pub user: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

/// The default sender address.
pub const DEFAULT_FROM: &str = "no-reply@mail-identity.invalid";

pub(super) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub(super) fn new(settings: &SmtpSettings) -> Result<Mailer, SetupError> {
        let url =
            reqwest::Url::parse(&settings.url).map_err(|_| SetupError::Smtp("not a URL".into()))?;
        let host = url.host_str().unwrap_or_default();
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.into_owned());
        let secure = match (url.scheme(), tls.as_deref()) {
            ("smtps", _) | ("smtp", Some("required")) => true,
            ("smtp", None | Some("opportunistic")) => false,
            _ => return Err(SetupError::Smtp("use smtp:// or smtps://".into())),
        };
        if !secure && !is_loopback(host) {
            return Err(SetupError::Smtp(
                "a relay on another machine needs TLS: smtps://host:465 or smtp://host:587?tls=required"
                    .into(),
            ));
        }
        // rustls needs a process-wide crypto provider; ring is the one the workspace builds.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(&settings.url)
            .map_err(|e| SetupError::Smtp(e.to_string()))?
            .timeout(Some(Duration::from_secs(10)));
        if url.password().is_none() {
            if let (Some(user), Some(password)) = (&settings.user, &settings.password) {
                builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
            }
        }
        let from = settings
            .from
            .parse()
            .map_err(|_| SetupError::Smtp("--smtp-from is not an address".into()))?;
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    pub(super) async fn send(&self, to: &str, subject: &str, text: &str) -> Result<(), SendError> {
        let to: Mailbox = to
            .parse()
            .map_err(|_| SendError::Failed("the recipient is not an address".into()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(text.to_string())
            .map_err(|e| SendError::Failed(format!("message: {e}")))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            // lettre's error names the SMTP stage and code, not the recipient.
            .map_err(|e| SendError::Failed(format!("smtp: {}", smtp_cause(&e))))
    }
}

/// What went wrong, without anything the relay may have echoed back (some relays quote the
/// recipient in their rejection text).
fn smtp_cause(error: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = error.status() {
        format!("the relay answered {code}")
    } else if error.is_timeout() {
        "timed out".into()
    } else if error.is_tls() {
        "TLS failed".into()
    } else {
        "connection failed".into()
    }
}
