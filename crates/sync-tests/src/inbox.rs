//! The codes as the employee receives them: the reference server wired to the real dev inbox
//! (`crates/dev-inbox`: an SMTP sink and an SMS webhook sink), and the 6 digits read from what
//! arrived. Everything that depends on the server's sender settings and the inbox's API is in this
//! one file.
//!
//! The server delivers a code before it answers `201`/`200`, so once the engine shows a code as
//! `sent`, its message is in the inbox.

use account_api::{Cap, Config, SendCaps, ServerHandle, SmsSettings, SmtpSettings};
use dev_inbox::DevInbox;
use std::time::Duration;

/// How long a code message may take to arrive (generous: a busy machine).
const ARRIVAL: Duration = Duration::from_secs(30);

/// Caps no ordinary test reaches (the stampede's 1,000 clients share one loopback address); the
/// caps themselves are the server's own tests' business, and `code_burst` measures the defaults.
pub fn roomy_caps() -> SendCaps {
    let roomy = Cap {
        per_hour: 1_000,
        per_day: 1_000,
    };
    SendCaps {
        per_account: roomy,
        per_destination: roomy,
        per_client: Cap {
            per_hour: 100_000,
            per_day: 100_000,
        },
    }
}

/// Points the server's mail relay and SMS webhook at `inbox`.
pub fn deliver_to(config: &mut Config, inbox: &DevInbox) {
    config.smtp = Some(SmtpSettings {
        url: inbox.smtp_url(),
        from: "no-reply@corp.example".into(),
        user: None,
        password: None,
    });
    config.sms = Some(SmsSettings {
        url: inbox.sms_webhook_url(),
        token: None,
    });
}

/// A fresh dev inbox.
pub async fn start_inbox() -> DevInbox {
    DevInbox::start().await.expect("the dev inbox starts")
}

/// The codes in the mails to `to` received so far, oldest first (change alerts, which carry no
/// code, are left out).
pub fn mail_codes(inbox: &DevInbox, to: &str) -> Vec<String> {
    inbox
        .mails_to(to)
        .iter()
        .filter_map(|m| dev_inbox::code_in(&m.text))
        .collect()
}

/// The codes in the SMS to `to` (E.164) received so far, oldest first.
pub fn sms_codes(inbox: &DevInbox, to: &str) -> Vec<String> {
    inbox
        .sms_to(to)
        .iter()
        .filter_map(|m| dev_inbox::code_in(&m.text))
        .collect()
}

/// The code of the newest code mail to `to`, once there is one.
pub async fn mail_code(inbox: &DevInbox, to: &str) -> String {
    mail_code_after(inbox, to, 0).await
}

/// The code of the newest code mail to `to`, once more than `seen` code mails arrived (a resend's
/// new code, not the old one still in the inbox).
pub async fn mail_code_after(inbox: &DevInbox, to: &str, seen: usize) -> String {
    newest_after(|| mail_codes(inbox, to), seen, "a mail with a code").await
}

/// The code of the newest code SMS to `to` (E.164), once there is one.
pub async fn sms_code(inbox: &DevInbox, to: &str) -> String {
    sms_code_after(inbox, to, 0).await
}

/// The code of the newest code SMS to `to`, once more than `seen` arrived.
pub async fn sms_code_after(inbox: &DevInbox, to: &str, seen: usize) -> String {
    newest_after(|| sms_codes(inbox, to), seen, "an SMS with a code").await
}

async fn newest_after(codes: impl Fn() -> Vec<String>, seen: usize, what: &str) -> String {
    let deadline = tokio::time::Instant::now() + ARRIVAL;
    loop {
        let mut found = codes();
        if found.len() > seen {
            return found.pop().expect("a code");
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} did not arrive ({} before)",
            found.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Moves the server's clock: codes expire, passwords get old.
pub fn advance_clock(server: &ServerHandle, by: Duration) {
    server.advance_clock(by);
}

/// The first run of exactly 6 digits in `text`; panics when there is none.
pub fn code_in(text: &str) -> String {
    dev_inbox::code_in(text)
        .unwrap_or_else(|| panic!("no 6-digit code in the message ({} characters)", text.len()))
}

/// A code that is certainly wrong: `code` with its first digit changed.
pub fn wrong_code(code: &str) -> String {
    let mut digits: Vec<char> = code.chars().collect();
    digits[0] = if digits[0] == '1' { '2' } else { '1' };
    digits.into_iter().collect()
}

/// Waits until the codes of a waiting save are sent, then confirms each with the code that
/// arrived: what the older flows (fault matrix, service flows, no PII, stampede) need before a
/// save can sync now that new values need their owner's code. `email` and `phone_e164` name where
/// they were sent (`None`: that channel needs no code, its value is unchanged).
pub async fn confirm_codes(
    service: &mail_identity_core::sync::Service,
    inbox: &DevInbox,
    email: Option<&str>,
    phone_e164: Option<&str>,
) {
    use mail_identity_core::sync::{Channel, CodeState};
    let wanted: Vec<Channel> = [
        email.map(|_| Channel::Email),
        phone_e164.map(|_| Channel::Phone),
    ]
    .into_iter()
    .flatten()
    .collect();
    crate::wait_for(service, "codes sent", Duration::from_secs(90), |o| {
        o.verification.as_ref().is_some_and(|v| {
            wanted.iter().all(|&channel| {
                v.codes
                    .iter()
                    .any(|c| c.channel == channel && c.state == CodeState::Sent)
            })
        })
    })
    .await;
    if let Some(to) = email {
        let code = mail_code(inbox, to).await;
        service.confirm_code(Channel::Email, &code).await.unwrap();
    }
    if let Some(to) = phone_e164 {
        let code = sms_code(inbox, to).await;
        service.confirm_code(Channel::Phone, &code).await.unwrap();
    }
}
