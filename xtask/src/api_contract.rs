//! The `api-contract` test layer: schemathesis (PyPI) against `docs/api/openapi.yaml` and a real
//! reference server, so that the document and the server cannot drift apart.
//!
//! Installs a pinned schemathesis into a virtualenv under `target/` when missing, starts
//! `account-api serve --seed-demo` on a free loopback port with a fresh database, signs in as a demo
//! account, creates an admin token with every scope through the server's own command line
//! (`account-api admin token create`, as IT does) for the `/v1/admin/*` routes, runs schemathesis
//! with every check, and stops the server whatever the outcome.

use crate::account_server::AccountServer;
use crate::build::{build_workspace_binaries, exe, BinariesFor};
use crate::dev_inbox::DevInbox;
use crate::exec::{self, repo_root};
use crate::python;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

/// The schemathesis release the contract run is pinned to.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// Examples per operation: enough to cover every documented answer in well under a minute here.
const MAX_EXAMPLES: &str = "100";
/// Where `docs/api/schemathesis.toml` wants the admin token of the run (replaced in the generated
/// copy, so that the token is never on an echoed command line or in the work tree).
const ADMIN_TOKEN_PLACEHOLDER: &str = "@ADMIN_TOKEN@";
/// A fixed seed keeps CI reproducible; `API_CONTRACT_SEED` explores others.
const DEFAULT_SEED: &str = "20261128";

pub fn run() -> Result<(), String> {
    let root = repo_root();
    let work = root.join("target").join("api-contract");
    let schemathesis = python::ensure(&work, SCHEMATHESIS)?.program("schemathesis");
    let binaries = build_workspace_binaries(BinariesFor::Testing)?;
    let server_bin = binaries.join(exe("account-api"));
    let run_dir = work.join("run");
    let _ = std::fs::remove_dir_all(&run_dir);
    std::fs::create_dir_all(&run_dir)
        .map_err(|e| format!("could not create {}: {e}", run_dir.display()))?;
    // Codes go to a dev-inbox, so that starting a verification can answer 201 (and its caps 429).
    let inbox = DevInbox::start(&binaries.join(exe("dev-inbox")), "127.0.0.1:0")?;
    let server = AccountServer::start(
        &server_bin,
        "127.0.0.1:0",
        &run_dir.join("account.db"),
        &inbox.server_args(),
    )?;
    let outcome = (|| {
        let token = sign_in(server.addr())?;
        let shared = std::fs::read_to_string(root.join("docs/api/schemathesis.toml"))
            .map_err(|e| format!("docs/api/schemathesis.toml: {e}"))?;
        let admin = admin_token(&server_bin, &run_dir.join("account.db"))?;
        if !shared.contains(ADMIN_TOKEN_PLACEHOLDER) {
            return Err(format!(
                "docs/api/schemathesis.toml names no {ADMIN_TOKEN_PLACEHOLDER} for the admin routes"
            ));
        }
        // The tokens go into a generated config file, not onto the echoed command line.
        let config = run_dir.join("schemathesis.toml");
        std::fs::write(
            &config,
            format!(
                "headers = {{ Authorization = \"Bearer {token}\" }}\n\n{}",
                shared.replace(ADMIN_TOKEN_PLACEHOLDER, &admin)
            ),
        )
        .map_err(|e| format!("could not write {}: {e}", config.display()))?;
        let seed = std::env::var("API_CONTRACT_SEED").unwrap_or_else(|_| DEFAULT_SEED.to_string());
        let url = format!("http://{}", server.addr());
        let config = config.to_string_lossy().into_owned();
        let document = root
            .join("docs/api/openapi.yaml")
            .to_string_lossy()
            .into_owned();
        let mut command = Command::new(&schemathesis);
        command
            .args(["--config-file", &config, "run", &document, "--url", &url])
            .args([
                "--checks",
                "all",
                "--max-examples",
                MAX_EXAMPLES,
                "--workers",
                "2",
            ])
            .args(["--seed", &seed, "--no-color"])
            // Its cache (`.schemathesis/`) lands in the run directory, not in the work tree.
            .current_dir(&run_dir)
            .env("SCHEMATHESIS_HOOKS", "");
        exec::run(&mut command)
    })();
    drop(server);
    drop(inbox);
    outcome
}

/// Creates an admin token with every scope in the run's database, with the server's command line
/// (SQLite lets it share the file with the running server), and returns it.
fn admin_token(server_bin: &std::path::Path, db: &std::path::Path) -> Result<String, String> {
    let output = Command::new(server_bin)
        .args(["admin", "--json", "--lang", "en", "--db"])
        .arg(db)
        .args(["token", "create", "--name", "api-contract"])
        .args(["--scope", "report:read,audit:read,accounts:delete"])
        .output()
        .map_err(|e| format!("could not run account-api admin: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "account-api admin token create failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let created: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("account-api admin token create printed no JSON: {e}"))?;
    created["token"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "account-api admin token create printed no token".to_string())
}

/// Signs in as the demo account that has agreed (so that saves can succeed) and returns its access
/// token. Plain HTTP/1.1 over a socket: xtask needs no HTTP client for one request on loopback.
fn sign_in(addr: &str) -> Result<String, String> {
    let body = format!(
        "{{\"grant_type\":\"password\",\"username\":\"registered@corp.example\",\"password\":\"{}\"}}",
        "Demo-2026!"
    );
    let mut stream =
        TcpStream::connect(addr).map_err(|e| format!("could not reach account-api: {e}"))?;
    write!(
        stream,
        "POST /v1/auth/token HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| format!("sign-in request failed: {e}"))?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|e| format!("sign-in response failed: {e}"))?;
    let marker = "\"access_token\":\"";
    let start = response
        .find(marker)
        .map(|i| i + marker.len())
        .ok_or("the demo sign-in failed (no access_token in the answer)")?;
    let token: String = response[start..]
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    Ok(token)
}
