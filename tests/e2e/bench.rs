//! The WebDriver half of `cargo xtask bench`: what only the running app can show. Ignored by the test
//! command; the bench runs it from a release build and reads the figures it writes as JSON to the
//! file `MAIL_IDENTITY_BENCH_OUT` names. It asserts nothing about time.
//!
//! Each round: a fresh reference server behind a counting proxy, a fresh profile, then the first
//! use of the app as an employee meets it (start signed out, sign in, 동의, the keystroke command
//! timed from the page as a keystroke makes it, type both values, save, type the code mailed and the
//! code texted, each read from the dev-inbox), the app's memory after
//! that, and a second start of the same user with the stored session. Every phase records the
//! requests and bytes that crossed the wire, as the server saw them. Then the offline-first
//! figures (`bench_offline.rs`): the same user's start with the server answering at once, after
//! 1.5 s and never, and a save while it is silent.

use crate::support::{fresh_home, scratch_dir, App, Server};
use mail_identity_core::email::mask_email;
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sync_tests::gate::{Gate, Mode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const CONSENT_HEADING: &str = "[선택] 본인 인증 정보 수집 및 이용 동의";
const FORM_HEADING: &str = "[선택] 본인 인증 정보";
const CODE_SCREEN_HEADING: &str = "인증번호 확인";
const CODE_FIELD: &str = "인증번호 6자리";
const VERIFIED_HEADING: &str = "인증을 마쳤습니다";
/// The demo account that has not decided on the notice yet.
const ACCOUNT: &str = "pending@corp.example";
const KEYSTROKE_CALLS: usize = 1000;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark run by `cargo xtask bench`: writes figures, asserts none"]
async fn bench_first_use_flow() {
    if !crate::support::enabled("bench_first_use_flow") {
        return;
    }
    let rounds: usize = std::env::var("MAIL_IDENTITY_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let mut results = Vec::new();
    for round in 0..rounds {
        eprintln!("bench round {} of {rounds}", round + 1);
        results.push(one_round().await);
    }
    let out = json!({ "rounds": results });
    match std::env::var_os("MAIL_IDENTITY_BENCH_OUT") {
        Some(path) => std::fs::write(&path, out.to_string()).expect("writing the bench figures"),
        None => println!("{out:#}"),
    }
}

async fn one_round() -> Value {
    let server = Server::start(&scratch_dir("server")).await;
    let proxy = Proxy::start(&server.base_url()).await;
    // In front of the counting proxy: passes everything until the offline-first figures at the end
    // make the network slow or silent.
    let gate = Gate::start(&proxy.base_url(), Mode::Pass).await;
    let mut phases = Vec::new();

    // First start: nobody signed in yet.
    let mark = proxy.snapshot(&server);
    let app = App::launch_at(fresh_home(), "C.UTF-8", Some(gate.base_url())).await;
    app.field("웹메일 아이디(메일 주소)").await;
    proxy.quiet(Duration::from_secs(2)).await;
    phases.push(proxy.phase("start-up, signed out", mark, &server));

    let mark = proxy.snapshot(&server);
    app.sign_in(ACCOUNT).await;
    app.find_heading(CONSENT_HEADING).await;
    proxy.quiet(Duration::from_millis(1500)).await;
    phases.push(proxy.phase("sign-in (token, profile, notice)", mark, &server));

    let mark = proxy.snapshot(&server);
    let writes = server.writes_applied();
    app.click_button("동의").await;
    app.find_heading(FORM_HEADING).await;
    app.until("the consent reached the server", || async {
        server.writes_applied() > writes
    })
    .await;
    proxy.quiet(Duration::from_millis(1500)).await;
    phases.push(proxy.phase("consent (동의)", mark, &server));

    let mark = proxy.snapshot(&server);
    let round_trips = app.keystroke_round_trips(KEYSTROKE_CALLS).await;
    phases.push(proxy.phase("1,000 validations", mark, &server));

    let registration = proxy.snapshot(&server);
    let mark = proxy.snapshot(&server);
    let writes = server.writes_applied();
    app.type_into("메일 주소", "minjun.kim@naver.com").await;
    app.type_into("휴대폰 번호", "01012345678").await;
    let saved = Instant::now();
    app.click_button("저장").await;
    app.find_heading(CODE_SCREEN_HEADING).await;
    let to_code_screen = saved.elapsed();
    // The code is on its way once the screen names where it went.
    app.find_text_containing("인증번호를 보냈습니다").await;
    let to_code_sent = saved.elapsed();
    proxy.quiet(Duration::from_millis(1500)).await;
    let mut save_phase = proxy.phase("typing + save → code screen", mark, &server);
    save_phase["save_to_code_screen_ms"] = json!(to_code_screen.as_secs_f64() * 1000.0);
    save_phase["save_to_code_sent_ms"] = json!(to_code_sent.as_secs_f64() * 1000.0);
    phases.push(save_phase);

    let mark = proxy.snapshot(&server);
    for (heading, code) in [
        (
            "메일 주소 확인",
            server.code_mailed_to("minjun.kim@naver.com").await,
        ),
        (
            "휴대폰 번호 확인",
            server.code_texted_to("+821012345678").await,
        ),
    ] {
        app.find_heading(heading).await;
        app.type_into(CODE_FIELD, &code).await;
        app.click_button("확인").await;
    }
    app.find_heading(VERIFIED_HEADING).await;
    app.until("the save reached the server", || async {
        server.writes_applied() > writes
    })
    .await;
    proxy.quiet(Duration::from_millis(1500)).await;
    phases.push(proxy.phase("both codes → registered", mark, &server));
    phases.push(proxy.phase(
        "registration with both codes (save to registered)",
        registration,
        &server,
    ));

    // What the app holds once the flow is done, as after start-up: settled for two seconds.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let memory = app_memory();

    // The same user starts the app again: the stored session, the cached overview.
    let home = app.stop().await;
    let mark = proxy.snapshot(&server);
    let app = App::launch_at(home, "C.UTF-8", Some(gate.base_url())).await;
    app.until("the first request of the second start", || async {
        proxy.snapshot(&server).wire_requests > mark.wire_requests
    })
    .await;
    proxy.quiet(Duration::from_secs(3)).await;
    phases.push(proxy.phase("start-up, signed in", mark, &server));
    let home = app.stop().await;

    // The same user's start with the server answering at once, after 1.5 s and never, and a save
    // while it is silent.
    let (offline_first, _) = crate::bench_offline::figures(
        home,
        &gate,
        || server.writes_applied(),
        &mask_email("minjun.kim@naver.com"),
        "minjun.kim@naver.com",
    )
    .await;

    json!({
        "keystroke_round_trips_ms": round_trips,
        "memory_after_flow": memory,
        "phases": phases,
        "offline_first": offline_first,
    })
}

/// PSS and RSS (KiB) of the app and every process under it (WebKit's web and network processes),
/// summed and per process, from `/proc/<pid>/smaps_rollup`. The app is the newest process running
/// the binary under test.
fn app_memory() -> Value {
    let app = *proc_tree::running(&crate::support::app_binary())
        .last()
        .expect("the app is running");
    let measured = proc_tree::memory(&proc_tree::tree(app));
    let by_process: Vec<Value> = measured
        .processes
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "pss_kib": p.memory.pss_kib,
                "rss_kib": p.memory.rss_kib,
                "pss_anon_kib": p.memory.pss_anon_kib,
                "pss_file_kib": p.memory.pss_file_kib,
            })
        })
        .collect();
    json!({
        "pss_kib": measured.total.pss_kib,
        "rss_kib": measured.total.rss_kib,
        "processes": measured.names(),
        "by_process": by_process,
    })
}

/// Counters at one moment.
#[derive(Clone, Copy)]
struct Snapshot {
    wire_requests: usize,
    server_requests: u64,
    bytes_up: u64,
    bytes_down: u64,
}

/// What crossed the wire between the app and the server.
#[derive(Default)]
struct Traffic {
    /// One line per request, in the order the answers came: `GET /v1/identity (conditional) → 304`.
    log: Mutex<Vec<String>>,
    bytes_up: AtomicU64,
    bytes_down: AtomicU64,
    /// When the last byte went either way.
    last_activity: Mutex<Option<Instant>>,
}

/// A loopback TCP proxy in front of the reference server that counts bytes both ways and reads the
/// HTTP/1.1 heads going through it (the app talks plain HTTP to a loopback server).
struct Proxy {
    port: u16,
    traffic: Arc<Traffic>,
}

impl Proxy {
    async fn start(upstream_url: &str) -> Proxy {
        let upstream = upstream_url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a loopback port for the proxy");
        let port = listener.local_addr().expect("the proxy's address").port();
        let traffic = Arc::new(Traffic::default());
        let shared = traffic.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                tokio::spawn(relay(client, server, shared.clone()));
            }
        });
        Proxy { port, traffic }
    }

    fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn snapshot(&self, server: &Server) -> Snapshot {
        Snapshot {
            wire_requests: self.traffic.log.lock().map(|l| l.len()).unwrap_or(0),
            server_requests: server.requests(),
            bytes_up: self.traffic.bytes_up.load(Ordering::Relaxed),
            bytes_down: self.traffic.bytes_down.load(Ordering::Relaxed),
        }
    }

    /// Waits until nothing has crossed the wire for `quiet` (at most 30 s).
    async fn quiet(&self, quiet: Duration) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let last = self.traffic.last_activity.lock().ok().and_then(|l| *l);
            if last.is_none_or(|at| at.elapsed() >= quiet) || Instant::now() > deadline {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The traffic since `since`, named.
    fn phase(&self, name: &str, since: Snapshot, server: &Server) -> Value {
        let now = self.snapshot(server);
        let log = self
            .traffic
            .log
            .lock()
            .map(|l| l[since.wire_requests..now.wire_requests].to_vec())
            .unwrap_or_default();
        json!({
            "name": name,
            "requests": now.wire_requests - since.wire_requests,
            "server_requests": now.server_requests - since.server_requests,
            "bytes_up": now.bytes_up - since.bytes_up,
            "bytes_down": now.bytes_down - since.bytes_down,
            "log": log,
        })
    }
}

/// Copies both ways until either side closes, counting and reading the heads.
async fn relay(client: TcpStream, server: TcpStream, traffic: Arc<Traffic>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let pending: Arc<Mutex<VecDeque<String>>> = Arc::default();
    let up = {
        let traffic = traffic.clone();
        let pending = pending.clone();
        async move {
            let mut heads = HeadReader::default();
            let mut buf = vec![0u8; 16 * 1024];
            while let Ok(n) = client_read.read(&mut buf).await {
                if n == 0 {
                    break;
                }
                traffic.bytes_up.fetch_add(n as u64, Ordering::Relaxed);
                touch(&traffic);
                for head in heads.feed(&buf[..n]) {
                    if let Ok(mut pending) = pending.lock() {
                        pending.push_back(describe_request(&head));
                    }
                }
                if server_write.write_all(&buf[..n]).await.is_err() {
                    break;
                }
            }
            let _ = server_write.shutdown().await;
        }
    };
    let down = async move {
        let mut heads = HeadReader::default();
        let mut buf = vec![0u8; 16 * 1024];
        while let Ok(n) = server_read.read(&mut buf).await {
            if n == 0 {
                break;
            }
            traffic.bytes_down.fetch_add(n as u64, Ordering::Relaxed);
            touch(&traffic);
            for head in heads.feed(&buf[..n]) {
                let status = head
                    .lines()
                    .next()
                    .and_then(|l| l.split_whitespace().nth(1))
                    .unwrap_or("?")
                    .to_string();
                let request = pending
                    .lock()
                    .ok()
                    .and_then(|mut p| p.pop_front())
                    .unwrap_or_else(|| "?".into());
                if let Ok(mut log) = traffic.log.lock() {
                    log.push(format!("{request} → {status}"));
                }
            }
            if client_write.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = client_write.shutdown().await;
    };
    tokio::join!(up, down);
}

fn touch(traffic: &Traffic) {
    if let Ok(mut last) = traffic.last_activity.lock() {
        *last = Some(Instant::now());
    }
}

/// `METHOD /path`, marked conditional when it carries `If-None-Match` or `If-Match`.
fn describe_request(head: &str) -> String {
    let mut lines = head.lines();
    let first = lines.next().unwrap_or_default();
    let mut parts = first.split_whitespace();
    let method = parts.next().unwrap_or("?");
    let path = parts.next().unwrap_or("?");
    let path = path.split('?').next().unwrap_or(path);
    let conditions: Vec<&str> = lines
        .filter_map(|l| l.split_once(':').map(|(name, _)| name.trim()))
        .filter(|name| {
            name.eq_ignore_ascii_case("if-none-match") || name.eq_ignore_ascii_case("if-match")
        })
        .collect();
    if conditions.is_empty() {
        format!("{method} {path}")
    } else {
        format!("{method} {path} ({})", conditions.join(", ").to_lowercase())
    }
}

/// Finds the heads of HTTP/1.1 messages in a byte stream, skipping `Content-Length` bodies. A
/// chunked body ends the reading (the bytes are still counted): this API answers with lengths.
#[derive(Default)]
struct HeadReader {
    buffer: Vec<u8>,
    body_left: usize,
    lost: bool,
}

impl HeadReader {
    fn feed(&mut self, bytes: &[u8]) -> Vec<String> {
        let mut heads = Vec::new();
        if self.lost {
            return heads;
        }
        let mut bytes = bytes;
        if self.body_left > 0 {
            let skipped = self.body_left.min(bytes.len());
            self.body_left -= skipped;
            bytes = &bytes[skipped..];
        }
        self.buffer.extend_from_slice(bytes);
        loop {
            if self.body_left > 0 {
                let skipped = self.body_left.min(self.buffer.len());
                self.body_left -= skipped;
                self.buffer.drain(..skipped);
                if self.body_left > 0 {
                    break;
                }
            }
            let Some(end) = self.buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                break;
            };
            let head = String::from_utf8_lossy(&self.buffer[..end]).into_owned();
            self.buffer.drain(..end + 4);
            let header = |name: &str| {
                head.lines().skip(1).find_map(|l| {
                    let (n, v) = l.split_once(':')?;
                    n.trim()
                        .eq_ignore_ascii_case(name)
                        .then(|| v.trim().to_string())
                })
            };
            if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
                self.lost = true;
                heads.push(head);
                break;
            }
            self.body_left = header("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            heads.push(head);
        }
        heads
    }
}
