//! Where codes and alerts go out: e-mail over SMTP to the relay IT names, SMS through a
//! provider-neutral HTTP webhook. Either may be absent; a code for an unconfigured channel is
//! refused before anything is recorded (`503 sender_not_configured`).
//!
//! Nothing here logs a destination, a code or a message text: failures are logged by channel and
//! cause only.

mod sms;
mod smtp;

use mail_identity_core::locale::Locale;
use mail_identity_core::wire::Channel;
use rust_i18n::t;
use std::time::Duration;

pub use sms::SmsSettings;
pub use smtp::{SmtpSettings, DEFAULT_FROM as SMTP_DEFAULT_FROM};

/// How long one send may take before it counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(15);

/// Why a send did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("no sender is configured for this channel")]
    NotConfigured,
    /// The relay or the provider refused, or did not answer in time. The cause names no value.
    #[error("the relay or provider refused: {0}")]
    Failed(String),
}

/// A sender setting that cannot work.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("--smtp: {0}")]
    Smtp(String),
    #[error("--sms-webhook: {0}")]
    Sms(String),
}

/// The configured senders.
#[derive(Default)]
pub struct Senders {
    mail: Option<smtp::Mailer>,
    sms: Option<sms::SmsWebhook>,
}

impl Senders {
    pub fn new(
        smtp: Option<&SmtpSettings>,
        sms: Option<&SmsSettings>,
    ) -> Result<Senders, SetupError> {
        Ok(Senders {
            mail: smtp.map(smtp::Mailer::new).transpose()?,
            sms: sms.map(sms::SmsWebhook::new).transpose()?,
        })
    }

    /// True when codes can be sent on `channel`.
    pub fn configured(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.mail.is_some(),
            Channel::Phone => self.sms.is_some(),
        }
    }

    /// Sends `code` to `to` (an address, or an E.164 number) in `locale`.
    pub async fn send_code(
        &self,
        channel: Channel,
        to: &str,
        code: &str,
        locale: Locale,
    ) -> Result<(), SendError> {
        let minutes = (crate::verification::CODE_LIFETIME_SECS / 60).to_string();
        let lang = locale.tag();
        match channel {
            Channel::Email => {
                let subject = t!("message.code.subject", locale = lang);
                let body = t!(
                    "message.code.body",
                    locale = lang,
                    code = code,
                    minutes = minutes
                );
                self.send_mail(to, &subject, &body).await
            }
            Channel::Phone => {
                let sms = self.sms.as_ref().ok_or(SendError::NotConfigured)?;
                let text = t!(
                    "message.code.sms",
                    locale = lang,
                    code = code,
                    minutes = minutes
                );
                timed(sms.send(to, &text)).await
            }
        }
    }

    /// Sends a plain-text mail (codes and alerts).
    pub async fn send_mail(&self, to: &str, subject: &str, text: &str) -> Result<(), SendError> {
        let mail = self.mail.as_ref().ok_or(SendError::NotConfigured)?;
        timed(mail.send(to, subject, text)).await
    }
}

async fn timed(
    send: impl std::future::Future<Output = Result<(), SendError>>,
) -> Result<(), SendError> {
    tokio::time::timeout(SEND_TIMEOUT, send)
        .await
        .unwrap_or_else(|_| Err(SendError::Failed("timed out".into())))
}

/// True when `host` names this machine: only there may a sender speak without TLS.
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_is_loopback() {
        assert!(is_loopback("127.0.0.1"));
        assert!(is_loopback("[::1]"));
        assert!(is_loopback("localhost"));
        assert!(!is_loopback("relay.corp.example"));
        assert!(!is_loopback("10.0.0.1"));
    }

    fn smtp(url: &str) -> SmtpSettings {
        SmtpSettings {
            url: url.into(),
            from: "no-reply@corp.example".into(),
            user: None,
            password: None,
        }
    }

    #[test]
    fn plain_smtp_and_http_webhooks_are_for_this_machine_only() {
        for refused in [
            "smtp://relay.corp.example:25",
            "smtp://relay.corp.example:587?tls=opportunistic",
            "ftp://relay.corp.example",
            "not a url",
        ] {
            assert!(
                Senders::new(Some(&smtp(refused)), None).is_err(),
                "{refused}"
            );
        }
        for accepted in [
            "smtp://127.0.0.1:2525",
            "smtps://relay.corp.example:465",
            "smtp://relay.corp.example:587?tls=required",
            "smtps://user:secret@relay.corp.example",
        ] {
            let senders = Senders::new(Some(&smtp(accepted)), None).expect(accepted);
            assert!(senders.configured(Channel::Email) && !senders.configured(Channel::Phone));
        }
        let sms = |url: &str| SmsSettings {
            url: url.into(),
            token: None,
        };
        assert!(Senders::new(None, Some(&sms("http://sms.corp.example/send"))).is_err());
        assert!(Senders::new(None, Some(&sms("https://sms.corp.example/send"))).is_ok());
        assert!(Senders::new(None, Some(&sms("http://127.0.0.1:8025/sms"))).is_ok());
        let shown = format!(
            "{:?} {:?}",
            smtp("smtps://u:secret@h"),
            SmsSettings {
                url: "https://h".into(),
                token: Some("secret".into()),
            }
        );
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn code_texts_name_the_code_and_its_validity_in_both_languages() {
        let ko = t!(
            "message.code.body",
            locale = "ko",
            code = "123456",
            minutes = "3"
        );
        assert!(
            ko.contains("123456")
                && ko.contains("3분")
                && ko.contains("인증번호는 누구에게도 알려 주지 마세요"),
            "{ko}"
        );
        let en = t!(
            "message.code.body",
            locale = "en",
            code = "123456",
            minutes = "3"
        );
        assert!(
            en.contains("123456") && en.contains("Never share this code"),
            "{en}"
        );
        let sms = t!(
            "message.code.sms",
            locale = "ko",
            code = "123456",
            minutes = "3"
        );
        assert!(
            sms.starts_with("[G-Cloud] 인증번호")
                && sms.contains("123456")
                && sms.contains("누구에게도 알려 주지 마세요"),
            "{sms}"
        );
    }
}
