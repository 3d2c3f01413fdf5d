//! The reference account server as a child process of xtask (for `run` and the `api-contract`
//! layer): started with its demo accounts, its address read from the line it prints once bound,
//! stopped on drop.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct AccountServer {
    child: Child,
    addr: String,
}

impl AccountServer {
    /// Starts `account-api serve --seed-demo` on `listen` (port 0: a free one) with the database `db`
    /// and the `extra` options (the senders).
    pub fn start(
        bin: &Path,
        listen: &str,
        db: &Path,
        extra: &[String],
    ) -> Result<AccountServer, String> {
        println!(
            "\x1b[1m▶ {} serve --listen {listen} --db {} --seed-demo {}\x1b[0m",
            bin.display(),
            db.display(),
            extra.join(" ")
        );
        let mut child = Command::new(bin)
            .args(["serve", "--listen", listen, "--seed-demo", "--db"])
            .arg(db)
            .args(extra)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let stdout = child.stdout.take().ok_or("no stdout from account-api")?;
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .map_err(|e| format!("account-api did not start: {e}"))?;
        let Some(addr) = line.trim().strip_prefix("account-api listening on http://") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("account-api did not start (said {line:?})"));
        };
        println!("account-api is listening on {addr}");
        Ok(AccountServer {
            addr: addr.to_string(),
            child,
        })
    }

    /// `host:port` the server is bound to.
    pub fn addr(&self) -> &str {
        &self.addr
    }
}

impl Drop for AccountServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
