//! The dev-inbox (crates/dev-inbox) as a child process of xtask: the local mail catcher and SMS
//! sink the reference server's senders deliver to in `run` and the `api-contract` layer. Its first
//! line says where it listens; the rest (one line per SMS and per mail) is echoed to the terminal
//! so that a person running the demo sees codes arrive. Stopped on drop.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct DevInbox {
    child: Child,
    /// `smtp://127.0.0.1:PORT`.
    pub smtp: String,
    /// `http://127.0.0.1:PORT/sms`.
    pub sms: String,
    /// `http://127.0.0.1:PORT/`: the inbox page.
    pub http: String,
}

impl DevInbox {
    /// Starts `dev-inbox` with its web page on `http` (port 0: a free one) and SMTP on a free port.
    pub fn start(bin: &Path, http: &str) -> Result<DevInbox, String> {
        let mut child = Command::new(bin)
            .args(["--smtp", "127.0.0.1:0", "--http", http])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout from dev-inbox")?;
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .map_err(|e| format!("dev-inbox did not start: {e}"))?;
        let field = |name: &str| {
            line.split_whitespace()
                .find_map(|part| part.strip_prefix(name))
                .map(str::to_string)
        };
        let (Some(smtp), Some(sms), Some(http)) = (field("smtp="), field("sms="), field("http="))
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("dev-inbox did not start (said {line:?})"));
        };
        std::thread::spawn(move || {
            for line in reader.lines().map_while(Result::ok) {
                println!("\x1b[36mdev-inbox\x1b[0m {line}");
            }
        });
        Ok(DevInbox {
            child,
            smtp,
            sms,
            http,
        })
    }

    /// The account server's options that send through this inbox.
    pub fn server_args(&self) -> Vec<String> {
        vec![
            "--smtp".into(),
            self.smtp.clone(),
            "--sms-webhook".into(),
            self.sms.clone(),
        ]
    }
}

impl Drop for DevInbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
