//! Change alerts: registering, changing or deleting the info sends an e-mail to the account's own
//! mailbox and, on a change or delete, to the previous recovery address, saying what changed
//! (masked), when (KST and UTC) and from which app (the request's `User-Agent`). If someone else
//! changed where recovery codes go, the owner hears of it at both addresses.
//!
//! Alerts go out after the write is committed, in the background: a failed alert is logged by
//! cause only and never fails the write. Nothing is sent when no SMTP relay is configured.

use crate::senders::Senders;
use mail_identity_core::locale::Locale;
use rust_i18n::t;
use std::sync::Arc;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

/// What happened to the info.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    Registered,
    Changed,
    Deleted,
}

/// One part's change, masked (`None`: absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// An alert to send. Holds full addresses only to deliver to them; the text holds masked values.
pub struct Alert {
    pub event: Event,
    /// The webmail address of the account.
    pub account: String,
    /// The recovery address before the change, when there was one.
    pub previous_email: Option<String>,
    pub email: Change,
    pub phone: Change,
    pub at: OffsetDateTime,
    /// The sanitized `User-Agent` (as the audit log names the client).
    pub client: String,
    pub locale: Locale,
}

impl Alert {
    /// Who gets it: the account's mailbox, and on a change or delete the previous recovery address.
    pub fn recipients(&self) -> Vec<String> {
        let mut to = vec![self.account.clone()];
        if self.event != Event::Registered {
            if let Some(previous) = &self.previous_email {
                if !previous.eq_ignore_ascii_case(&self.account) {
                    to.push(previous.clone());
                }
            }
        }
        to
    }

    /// Subject and text, in the alert's language.
    pub fn compose(&self) -> (String, String) {
        let lang = self.locale.tag();
        let subject = match self.event {
            Event::Registered => t!("message.alert.subject_registered", locale = lang),
            Event::Changed => t!("message.alert.subject_changed", locale = lang),
            Event::Deleted => t!("message.alert.subject_deleted", locale = lang),
        };
        let none = t!("message.alert.none", locale = lang);
        let shown = |v: &Option<String>| v.clone().unwrap_or_else(|| none.to_string());
        let mut lines = vec![subject.to_string(), String::new()];
        if self.email.changed() {
            lines.push(
                t!(
                    "message.alert.email",
                    locale = lang,
                    before = shown(&self.email.before),
                    after = shown(&self.email.after)
                )
                .to_string(),
            );
        }
        if self.phone.changed() {
            lines.push(
                t!(
                    "message.alert.phone",
                    locale = lang,
                    before = shown(&self.phone.before),
                    after = shown(&self.phone.after)
                )
                .to_string(),
            );
        }
        let (kst, utc) = times(self.at);
        lines.push(t!("message.alert.when", locale = lang, kst = kst, utc = utc).to_string());
        lines.push(
            t!(
                "message.alert.client",
                locale = lang,
                client = self.client.clone()
            )
            .to_string(),
        );
        lines.push(String::new());
        lines.push(t!("message.alert.not_you", locale = lang).to_string());
        (subject.to_string(), lines.join("\n"))
    }
}

/// The time in Korea (UTC+9, no daylight saving) and in UTC.
fn times(at: OffsetDateTime) -> (String, String) {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    let kst = UtcOffset::from_hms(9, 0, 0).unwrap_or(UtcOffset::UTC);
    (
        at.to_offset(kst).format(&format).unwrap_or_default(),
        at.to_offset(UtcOffset::UTC)
            .format(&format)
            .unwrap_or_default(),
    )
}

/// Sends `alert` in the background.
pub fn spawn(senders: Arc<Senders>, alert: Alert) {
    if !senders.configured(mail_identity_core::wire::Channel::Email) {
        return;
    }
    tokio::spawn(async move {
        let (subject, text) = alert.compose();
        for to in alert.recipients() {
            if let Err(error) = senders.send_mail(&to, &subject, &text).await {
                // The cause only: never the recipient.
                tracing::warn!(%error, "a change alert could not be sent");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(locale: Locale) -> Alert {
        Alert {
            event: Event::Changed,
            account: "me@corp.example".into(),
            previous_email: Some("old.address@naver.com".into()),
            email: Change {
                before: Some("ol***@naver.com".into()),
                after: Some("ne***@daum.net".into()),
            },
            phone: Change {
                before: Some("010-****-5678".into()),
                after: Some("010-****-5678".into()),
            },
            at: OffsetDateTime::from_unix_timestamp(1_765_000_000).unwrap(),
            client: "mail-identity/1.2.0 (Windows)".into(),
            locale,
        }
    }

    #[test]
    fn the_text_names_masked_changes_times_and_client_only() {
        let (subject, text) = alert(Locale::Ko).compose();
        assert!(!subject.is_empty());
        assert!(
            text.contains("ol***@naver.com") && text.contains("ne***@daum.net"),
            "{text}"
        );
        assert!(
            !text.contains("010-****-5678"),
            "an unchanged part is not listed: {text}"
        );
        assert!(
            text.contains("KST") && text.contains("UTC") && text.contains("mail-identity/1.2.0")
        );
        assert!(
            text.contains(
                "본인이 변경하지 않았다면 바로 비밀번호를 바꾸고 사내 IT 담당자에게 알려 주세요"
            ),
            "{text}"
        );
        let (_, en) = alert(Locale::En).compose();
        assert!(en.contains("tell your IT helpdesk"), "{en}");
    }

    #[test]
    fn a_change_also_goes_to_the_previous_address() {
        assert_eq!(
            alert(Locale::Ko).recipients(),
            vec![
                "me@corp.example".to_string(),
                "old.address@naver.com".to_string()
            ]
        );
        let registered = Alert {
            event: Event::Registered,
            ..alert(Locale::Ko)
        };
        assert_eq!(registered.recipients(), vec!["me@corp.example".to_string()]);
    }
}
