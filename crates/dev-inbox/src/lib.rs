//! A local mail catcher and SMS sink, **for development and tests only**: it accepts any mail over
//! plain SMTP on loopback and any SMS posted to its webhook, keeps them in memory, and shows them
//! on a small web page. The account API's senders talk to it exactly as they talk to a company's
//! SMTP relay and SMS provider, so the demo and the tests exercise the real delivery path.
//!
//! Nothing here authenticates senders beyond an optional bearer token on the webhook, and nothing is
//! written to disk: it must never face a network.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let inbox = dev_inbox::DevInbox::start().await?;
//! println!("point the server at {} and {}", inbox.smtp_url(), inbox.sms_webhook_url());
//! let mail = inbox.wait_for_mail("someone@example.com", std::time::Duration::from_secs(5)).await;
//! # let _ = mail; Ok(()) }
//! ```

mod http;
mod smtp;

use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// A mail as received: the envelope recipients and the decoded message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mail {
    /// The `From` header's address (the envelope sender when the header has none).
    pub from: String,
    /// The envelope recipients (`RCPT TO`), as the relay would deliver them.
    pub to: Vec<String>,
    pub subject: String,
    /// The text body, decoded (base64, quoted-printable, charset).
    pub text: String,
    /// RFC 3339.
    pub received_at: String,
}

/// The code in a code message: its first run of exactly six ASCII digits (a date or a longer
/// number around it is not one). How every test reads what the employee would type.
pub fn code_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 6)
        .map(str::to_string)
}

/// An SMS as the webhook received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sms {
    pub to: String,
    pub text: String,
    /// RFC 3339.
    pub received_at: String,
}

/// Everything received so far, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Messages {
    pub mails: Vec<Mail>,
    pub sms: Vec<Sms>,
}

/// One arrival, for whoever watches (the binary prints them).
#[derive(Debug, Clone)]
pub enum Arrival {
    Mail(Mail),
    Sms(Sms),
}

/// How to start an inbox.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where the SMTP server listens (port 0 picks one).
    pub smtp: SocketAddr,
    /// Where the web page and the SMS webhook listen (port 0 picks one).
    pub http: SocketAddr,
    /// When set, `POST /sms` needs `Authorization: Bearer <token>`.
    pub sms_token: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            smtp: ([127, 0, 0, 1], 0).into(),
            http: ([127, 0, 0, 1], 0).into(),
            sms_token: None,
        }
    }
}

/// The shared store of messages.
pub(crate) struct Inbox {
    messages: Mutex<Messages>,
    arrivals: broadcast::Sender<Arrival>,
    pub(crate) sms_token: Option<String>,
}

impl Inbox {
    fn lock(&self) -> std::sync::MutexGuard<'_, Messages> {
        // A panic while holding the lock leaves plain data behind: keep using it.
        self.messages
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn add_mail(&self, mail: Mail) {
        self.lock().mails.push(mail.clone());
        let _ = self.arrivals.send(Arrival::Mail(mail));
    }

    pub(crate) fn add_sms(&self, sms: Sms) {
        self.lock().sms.push(sms.clone());
        let _ = self.arrivals.send(Arrival::Sms(sms));
    }

    pub(crate) fn snapshot(&self) -> Messages {
        self.lock().clone()
    }

    pub(crate) fn clear(&self) {
        *self.lock() = Messages::default();
    }
}

/// A running inbox; dropping it stops both servers.
pub struct DevInbox {
    smtp: SocketAddr,
    http: SocketAddr,
    inbox: Arc<Inbox>,
    tasks: Vec<JoinHandle<()>>,
}

impl DevInbox {
    /// Both servers on free loopback ports, no webhook token.
    pub async fn start() -> std::io::Result<DevInbox> {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options) -> std::io::Result<DevInbox> {
        let (arrivals, _) = broadcast::channel(256);
        let inbox = Arc::new(Inbox {
            messages: Mutex::new(Messages::default()),
            arrivals,
            sms_token: options.sms_token,
        });
        let smtp_listener = TcpListener::bind(options.smtp).await?;
        let http_listener = TcpListener::bind(options.http).await?;
        let smtp = smtp_listener.local_addr()?;
        let http = http_listener.local_addr()?;
        let tasks = vec![
            tokio::spawn(smtp::serve(smtp_listener, Arc::clone(&inbox))),
            tokio::spawn(http::serve(http_listener, Arc::clone(&inbox))),
        ];
        Ok(DevInbox {
            smtp,
            http,
            inbox,
            tasks,
        })
    }

    /// `smtp://127.0.0.1:PORT`: what the account API's `--smtp` takes.
    pub fn smtp_url(&self) -> String {
        format!("smtp://{}", self.smtp)
    }

    /// `http://127.0.0.1:PORT/sms`: what the account API's `--sms-webhook` takes.
    pub fn sms_webhook_url(&self) -> String {
        format!("http://{}/sms", self.http)
    }

    /// `http://127.0.0.1:PORT/`: the inbox page.
    pub fn http_url(&self) -> String {
        format!("http://{}/", self.http)
    }

    /// Everything received so far.
    pub fn messages(&self) -> Messages {
        self.inbox.snapshot()
    }

    /// Forgets everything received.
    pub fn clear(&self) {
        self.inbox.clear()
    }

    /// Arrivals from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arrival> {
        self.inbox.arrivals.subscribe()
    }

    /// The mails to `to` (case-insensitive) received so far.
    pub fn mails_to(&self, to: &str) -> Vec<Mail> {
        self.messages()
            .mails
            .into_iter()
            .filter(|m| m.to.iter().any(|r| r.eq_ignore_ascii_case(to)))
            .collect()
    }

    /// The SMS to `to` received so far.
    pub fn sms_to(&self, to: &str) -> Vec<Sms> {
        self.messages()
            .sms
            .into_iter()
            .filter(|s| s.to == to)
            .collect()
    }

    /// The newest mail to `to` once there is at least one, or `None` after `timeout`.
    pub async fn wait_for_mail(&self, to: &str, timeout: Duration) -> Option<Mail> {
        self.wait_for_mails(to, 1, timeout)
            .await
            .and_then(|mut m| m.pop())
    }

    /// The mails to `to` once there are at least `count`, or `None` after `timeout`.
    pub async fn wait_for_mails(
        &self,
        to: &str,
        count: usize,
        timeout: Duration,
    ) -> Option<Vec<Mail>> {
        self.wait(timeout, || {
            let mails = self.mails_to(to);
            (mails.len() >= count).then_some(mails)
        })
        .await
    }

    /// The newest SMS to `to` once there is at least one, or `None` after `timeout`.
    pub async fn wait_for_sms(&self, to: &str, timeout: Duration) -> Option<Sms> {
        self.wait(timeout, || self.sms_to(to).pop()).await
    }

    async fn wait<T>(&self, timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(found) = probe() {
                return Some(found);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for DevInbox {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Now, RFC 3339 UTC.
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod code_tests {
    use super::code_in;

    #[test]
    fn the_code_is_the_run_of_six_digits() {
        assert_eq!(
            code_in("[G-Cloud] 인증번호 123456 (3분)").as_deref(),
            Some("123456")
        );
        assert_eq!(
            code_in("2026-12-06 12:00 code 004213."),
            Some("004213".into())
        );
        assert_eq!(code_in("no code 12345 here 1234567"), None);
    }
}
