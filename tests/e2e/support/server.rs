//! The reference account server for one test: its own SQLite file and port, the demo accounts
//! seeded, started in-process so that the test can also read what the server holds; its codes and
//! alerts go to a real mail catcher and SMS sink (the dev-inbox), where the test reads them as the
//! employee would read their phone and mailbox.

use account_api::{Config, ServerHandle, SmsSettings, SmtpSettings};
use dev_inbox::{code_in, DevInbox};
use std::path::Path;
use std::time::Duration;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = account_api::demo::DEMO_PASSWORD;

/// How long a code may take to arrive: it is sent over loopback, so a passing test never waits this long.
const CODE_ARRIVAL_BUDGET: Duration = Duration::from_secs(20);

pub struct Server {
    handle: ServerHandle,
    inbox: DevInbox,
}

impl Server {
    /// Starts a server with the demo accounts, its database under `dir`, its senders pointed at a
    /// fresh dev-inbox.
    pub async fn start(dir: &Path) -> Server {
        std::fs::create_dir_all(dir).expect("a directory for the server's database");
        let inbox = DevInbox::start().await.expect("the dev-inbox starts");
        let mut config = Config::new(
            "127.0.0.1:0".parse().expect("a loopback address"),
            dir.join("account-api.sqlite3"),
        );
        config.seed_demo = true;
        // Fault mode with no rules: nothing misbehaves, and the write counters and the test clock are on.
        config.faults = Some(account_api::FaultSpec::default());
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
        let handle = account_api::serve(config)
            .await
            .expect("the reference server starts");
        Server { handle, inbox }
    }

    pub fn base_url(&self) -> String {
        self.handle.base_url()
    }

    /// What the server holds for `address`: the JSON of `GET /v1/identity`.
    pub async fn identity_of(&self, address: &str) -> serde_json::Value {
        self.handle
            .identity_of(address)
            .await
            .expect("the server's database reads")
            .unwrap_or_else(|| panic!("the server has no account {address}"))
    }

    /// An admin token with `scopes`, as IT creates one with `account-api admin token create`.
    pub async fn create_admin_token(
        &self,
        name: &str,
        scopes: &[account_api::admin::tokens::Scope],
    ) -> Result<String, account_api::admin::tokens::TokenError> {
        self.handle.create_admin_token(name, scopes).await
    }

    /// Replaces the server's faults (`503@all,retry-after=1,scope=writes`, `none`, …).
    pub fn set_faults(&self, spec: &str) {
        let spec: account_api::FaultSpec = spec.parse().expect("a valid fault spec");
        assert!(
            self.handle.set_faults(spec),
            "the server runs in fault mode"
        );
    }

    /// Moves the server's clock forward: a sign-in grows old, a code expires.
    pub fn advance_clock(&self, by: Duration) {
        self.handle.advance_clock(by);
    }

    /// How many requests the server has answered (or refused by fault injection).
    pub fn requests(&self) -> u64 {
        self.handle.stats().requests
    }

    /// How many identity writes (consent, save, delete) the server applied.
    pub fn writes_applied(&self) -> u64 {
        self.handle.stats().writes_applied
    }

    /// The code in the newest mail to `address` that holds one, waiting for it to arrive.
    pub async fn code_mailed_to(&self, address: &str) -> String {
        self.wait_for_code(|inbox| {
            inbox
                .mails_to(address)
                .iter()
                .rev()
                .find_map(|mail| code_in(&mail.text))
        })
        .await
        .unwrap_or_else(|| panic!("no code was mailed to {address}"))
    }

    /// The code in the newest SMS to `e164` (`+821012345678`), waiting for it to arrive.
    pub async fn code_texted_to(&self, e164: &str) -> String {
        self.wait_for_code(|inbox| {
            inbox
                .sms_to(e164)
                .iter()
                .rev()
                .find_map(|sms| code_in(&sms.text))
        })
        .await
        .unwrap_or_else(|| panic!("no code was texted to {e164}"))
    }

    /// Every mail `address` received so far (alerts, codes), oldest first.
    pub fn mails_to(&self, address: &str) -> Vec<dev_inbox::Mail> {
        self.inbox.mails_to(address)
    }

    /// How many messages (mails and SMS) the inbox holds.
    pub fn messages_received(&self) -> usize {
        let all = self.inbox.messages();
        all.mails.len() + all.sms.len()
    }

    async fn wait_for_code(&self, find: impl Fn(&DevInbox) -> Option<String>) -> Option<String> {
        let deadline = tokio::time::Instant::now() + CODE_ARRIVAL_BUDGET;
        loop {
            if let Some(code) = find(&self.inbox) {
                return Some(code);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
