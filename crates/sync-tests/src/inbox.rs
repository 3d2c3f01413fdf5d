//! The codes as the employee receives them: the reference server wired to the real dev inbox
//! (`crates/dev-inbox`: an SMTP sink and an SMS webhook sink), and the 6 digits read from what
//! arrived. Everything that depends on the server's and the inbox's API is in this one file, so
//! that adapting to their final shape is one place.
//!
//! Behind the `server-codes` feature until the server branch (verifications, step-up,
//! `advance_clock`, the dev inbox) is merged: then `dev-inbox` becomes a dependency of this crate
//! and the feature can go.

use account_api::{Config, FaultSpec, ServerHandle};
use dev_inbox::DevInbox;
use std::path::Path;
use std::time::Duration;

/// A reference server whose codes go to `inbox`, on `listen` (`127.0.0.1:0` for a free port, or
/// the port of a server being restarted on the same database), with the notice `notice_version`
/// (`None`: the server's default).
pub async fn start_server_with_inbox(
    dir: &Path,
    inbox: &DevInbox,
    listen: std::net::SocketAddr,
    notice_version: Option<&str>,
) -> ServerHandle {
    let mut config = Config::new(listen, dir.join("server.db"));
    config.faults = Some(FaultSpec::default());
    config.smtp_url = Some(inbox.smtp_url());
    config.sms_webhook_url = Some(inbox.sms_webhook_url());
    if let Some(version) = notice_version {
        config.notice_version = version.to_string();
    }
    account_api::serve(config)
        .await
        .expect("the reference server starts")
}

/// A fresh dev inbox.
pub async fn start_inbox() -> DevInbox {
    DevInbox::start().await.expect("the dev inbox starts")
}

/// The code in the newest mail to `to`.
pub async fn mail_code(inbox: &DevInbox, to: &str) -> String {
    let message = inbox
        .wait_for_mail(to, Duration::from_secs(30))
        .await
        .expect("a mail with a code");
    code_in(&message.text)
}

/// The code in the newest SMS to `to` (E.164).
pub async fn sms_code(inbox: &DevInbox, to: &str) -> String {
    let message = inbox
        .wait_for_sms(to, Duration::from_secs(30))
        .await
        .expect("an SMS with a code");
    code_in(&message.text)
}

/// Moves the server's clock: codes expire, passwords get old.
pub fn advance_clock(server: &ServerHandle, by: Duration) {
    server.advance_clock(by);
}

/// The first run of exactly 6 digits in `text`.
pub fn code_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    for start in 0..chars.len() {
        let run: String = chars[start..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        let before_is_digit = start > 0 && chars[start - 1].is_ascii_digit();
        if run.len() == 6 && !before_is_digit {
            return run;
        }
    }
    panic!("no 6-digit code in the message ({} characters)", text.len());
}

/// A code that is certainly wrong: `code` with its first digit changed.
pub fn wrong_code(code: &str) -> String {
    let mut digits: Vec<char> = code.chars().collect();
    digits[0] = if digits[0] == '1' { '2' } else { '1' };
    digits.into_iter().collect()
}

/// Waits until the codes of a waiting save are sent, then confirms each with the code that
/// arrived: what the older flows (fault matrix, service flows) need before a save can sync now
/// that new values need their owner's code. `email` and `phone_e164` name where they were sent.
pub async fn confirm_codes(
    service: &mail_identity_core::sync::Service,
    inbox: &DevInbox,
    email: Option<&str>,
    phone_e164: Option<&str>,
) {
    use mail_identity_core::sync::{Channel, CodeState};
    let wanted = usize::from(email.is_some()) + usize::from(phone_e164.is_some());
    crate::wait_for(service, "codes sent", Duration::from_secs(90), |o| {
        o.verification.as_ref().is_some_and(|v| {
            v.codes
                .iter()
                .filter(|c| c.state == CodeState::Sent)
                .count()
                >= wanted
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
