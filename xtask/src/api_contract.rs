//! The `api-contract` test layer: schemathesis (PyPI) against `docs/api/openapi.yaml` and a real
//! reference server, so that the document and the server cannot drift apart.
//!
//! Installs a pinned schemathesis into a virtualenv under `target/` when missing, starts
//! `account-api serve --seed-demo` on a free loopback port with a fresh database, signs in as a demo
//! account, runs schemathesis with every check, and stops the server whatever the outcome.

use crate::exec::{self, cmd, repo_root};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The schemathesis release the contract run is pinned to.
const SCHEMATHESIS: &str = "schemathesis==4.32.5";
/// Examples per operation: enough to cover every documented answer in well under a minute here.
const MAX_EXAMPLES: &str = "100";
/// A fixed seed keeps CI reproducible; `API_CONTRACT_SEED` explores others.
const DEFAULT_SEED: &str = "20261128";

pub fn run() -> Result<(), String> {
    let root = repo_root();
    let work = root.join("target").join("api-contract");
    let schemathesis = ensure_schemathesis(&work)?;
    exec::run(&mut cmd(
        "cargo",
        &[
            "build",
            "--quiet",
            "-p",
            "account-api",
            "--bin",
            "account-api",
        ],
    ))?;
    let server_bin = root
        .join("target")
        .join("debug")
        .join(format!("account-api{}", std::env::consts::EXE_SUFFIX));
    let run_dir = work.join("run");
    let _ = std::fs::remove_dir_all(&run_dir);
    std::fs::create_dir_all(&run_dir)
        .map_err(|e| format!("could not create {}: {e}", run_dir.display()))?;
    let mut server = Server::start(&server_bin, &run_dir.join("account.db"))?;
    let outcome = (|| {
        let token = sign_in(&server.addr)?;
        // The token goes into a generated config file, not onto the echoed command line.
        let shared = std::fs::read_to_string(root.join("docs/api/schemathesis.toml"))
            .map_err(|e| format!("docs/api/schemathesis.toml: {e}"))?;
        let config = run_dir.join("schemathesis.toml");
        std::fs::write(
            &config,
            format!("headers = {{ Authorization = \"Bearer {token}\" }}\n\n{shared}"),
        )
        .map_err(|e| format!("could not write {}: {e}", config.display()))?;
        let seed = std::env::var("API_CONTRACT_SEED").unwrap_or_else(|_| DEFAULT_SEED.to_string());
        let url = format!("http://{}", server.addr);
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
    server.stop();
    outcome
}

/// The schemathesis executable in `work/venv`, installed when missing or of another version.
fn ensure_schemathesis(work: &Path) -> Result<PathBuf, String> {
    let venv = work.join("venv");
    let bin = if cfg!(windows) {
        venv.join("Scripts")
    } else {
        venv.join("bin")
    };
    let exe = bin.join(format!("schemathesis{}", std::env::consts::EXE_SUFFIX));
    let wanted = SCHEMATHESIS.trim_start_matches("schemathesis==");
    let installed = Command::new(&exe)
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains(wanted));
    if installed {
        return Ok(exe);
    }
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| exec::on_path(p))
        .ok_or(
            "Python 3.9 or newer is missing: install it (with venv) to run the API contract tests",
        )?;
    std::fs::create_dir_all(work)
        .map_err(|e| format!("could not create {}: {e}", work.display()))?;
    let venv_arg = venv.to_string_lossy().into_owned();
    exec::run(&mut cmd(python, &["-m", "venv", "--clear", &venv_arg]))
        .map_err(|e| format!("{e}\n  (on Debian/Ubuntu: apt-get install python3-venv)"))?;
    let pip = bin.join(format!("pip{}", std::env::consts::EXE_SUFFIX));
    exec::run(Command::new(&pip).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        SCHEMATHESIS,
    ]))?;
    Ok(exe)
}

/// The reference server as a child process, stopped on drop.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(bin: &Path, db: &Path) -> Result<Server, String> {
        let db_arg = db.to_string_lossy().into_owned();
        let mut child = Command::new(bin)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--db",
                &db_arg,
                "--seed-demo",
            ])
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
        Ok(Server {
            addr: addr.to_string(),
            child,
        })
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
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
