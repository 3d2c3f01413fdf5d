//! `dev-inbox [--smtp ADDR] [--http ADDR]`: a local mail catcher and SMS sink for development.
//! It prints each SMS (and each mail's recipient and subject) to the terminal; the inbox page shows
//! everything. `DEV_INBOX_SMS_TOKEN` makes the webhook require that bearer token.
//!
//! The first line on stdout is for scripts: `dev-inbox smtp=smtp://… sms=http://…/sms http=http://…/`.

use dev_inbox::{Arrival, DevInbox, Options};
use std::process::ExitCode;

const USAGE: &str = "usage: dev-inbox [--smtp 127.0.0.1:2525] [--http 127.0.0.1:8025]";

#[tokio::main]
async fn main() -> ExitCode {
    let mut options = Options {
        sms_token: std::env::var("DEV_INBOX_SMS_TOKEN").ok(),
        ..Options::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok());
        match (arg.as_str(), value) {
            ("--smtp", Some(addr)) => options.smtp = addr,
            ("--http", Some(addr)) => options.http = addr,
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let inbox = match DevInbox::start_with(options).await {
        Ok(inbox) => inbox,
        Err(error) => {
            eprintln!("dev-inbox: could not listen: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "dev-inbox smtp={} sms={} http={}",
        inbox.smtp_url(),
        inbox.sms_webhook_url(),
        inbox.http_url()
    );
    let mut arrivals = inbox.subscribe();
    loop {
        tokio::select! {
            arrival = arrivals.recv() => match arrival {
                Ok(Arrival::Sms(sms)) => println!("[SMS to {}] {}", sms.to, sms.text),
                Ok(Arrival::Mail(mail)) => println!("[mail to {}] {}", mail.to.join(", "), mail.subject),
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
                Err(_) => return ExitCode::SUCCESS,
            },
            _ = tokio::signal::ctrl_c() => return ExitCode::SUCCESS,
        }
    }
}
