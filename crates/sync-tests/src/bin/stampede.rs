//! The stampede benchmark (figures, not a test): N in-process sync engines against the reference
//! server while it answers a share of requests with 503 + Retry-After, then healthy again.
//!
//! `cargo run --release -p sync-tests --bin stampede -- [--clients 1000] [--fault-secs 60]
//!  [--share 30] [--retry-after 2]`
//!
//! Every client signs in, agrees and registers its recovery e-mail while the server is healthy
//! (the e-mail's ownership code read from the server's dev inbox and confirmed, as its owner would);
//! then the faults start and every client submits a save of its info at the same moment (a
//! building coming back online). The save carries the registered value, so it needs no new code:
//! what is measured is the outbox's retrying, as before codes existed (a new value would wait for
//! a person to type its code). The server's step-up age is set beyond the run, for the same
//! reason: with 1,000 clients the set-up alone may outlast its 5 minutes. Printed: requests per
//! applied save (overall, and for the saves applied after the faults cleared), requests per second
//! (peak, and the per-second series, to see whether retries come back in synchronized waves), and
//! the time until every client was synced.

use mail_identity_core::identity::IdentityInput;
use mail_identity_core::locale::Locale;
use mail_identity_core::sync::{
    BackoffPolicy, ConsentDecision, CredentialChoice, Draft, Service, SyncStatus,
};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

struct Args {
    clients: usize,
    fault_secs: u64,
    share: u32,
    retry_after: u64,
}

fn args() -> Args {
    let mut out = Args {
        clients: 1000,
        fault_secs: 60,
        share: 30,
        retry_after: 2,
    };
    let raw: Vec<String> = std::env::args().skip(1).collect();
    for pair in raw.chunks(2) {
        let value = pair.get(1).and_then(|v| v.parse::<u64>().ok()).unwrap_or_else(|| {
            eprintln!("usage: stampede [--clients N] [--fault-secs S] [--share PCT] [--retry-after S]");
            std::process::exit(2)
        });
        match pair[0].as_str() {
            "--clients" => out.clients = value as usize,
            "--fault-secs" => out.fault_secs = value,
            "--share" => out.share = value as u32,
            "--retry-after" => out.retry_after = value,
            _ => {
                eprintln!("unknown option {}", pair[0]);
                std::process::exit(2)
            }
        }
    }
    out
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = sync_tests::inbox::start_inbox().await;
    let server = Arc::new(
        sync_tests::start_server_with(dir.path(), inbox, |config| {
            config.step_up_max_age = Duration::from_secs(24 * 3600);
        })
        .await,
    );
    let base = server.base_url();
    let started = Instant::now();
    let limit = Arc::new(Semaphore::new(16));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..args.clients {
        let (server, limit, base) = (Arc::clone(&server), Arc::clone(&limit), base.clone());
        let data = dir.path().join(format!("c{i}"));
        tasks.spawn(async move {
            let _permit = limit.acquire().await.expect("semaphore");
            let address = format!("user{i}@corp.example");
            server
                .create_account(&address, "user", sync_tests::PASSWORD)
                .await
                .expect("account");
            let mut config = sync_tests::config(&base, &data, CredentialChoice::Memory);
            // The production schedule, not the tests' short one.
            config.backoff = BackoffPolicy::default();
            config.request_timeout = Duration::from_secs(15);
            let service = Service::open(config).await.expect("open");
            service
                .sign_in(&address, sync_tests::PASSWORD)
                .await
                .expect("sign in");
            let notice = service.notice(Locale::Ko).await.expect("notice");
            service
                .decide_consent(ConsentDecision::Agreed, &notice.version, &notice.sha256)
                .await
                .expect("consent");
            sync_tests::wait_for(
                &service,
                "consent",
                Duration::from_secs(600),
                sync_tests::synced,
            )
            .await;
            let email = format!("user{i}.recovery@naver.com");
            service
                .submit_identity(&email_draft(&email))
                .await
                .expect("save");
            sync_tests::inbox::confirm_codes(&service, &server.inbox, Some(&email), None).await;
            sync_tests::wait_for(
                &service,
                "registered",
                Duration::from_secs(600),
                sync_tests::synced,
            )
            .await;
            (i, service)
        });
    }
    let mut services = Vec::new();
    while let Some(done) = tasks.join_next().await {
        services.push(done.expect("client setup"));
    }
    services.sort_by_key(|(i, _)| *i);
    println!(
        "setup: {} clients signed in, agreed and registered ({} code mails received) in {:.1} s",
        services.len(),
        server
            .inbox
            .messages()
            .mails
            .iter()
            .filter(|m| dev_inbox::code_in(&m.text).is_some())
            .count(),
        started.elapsed().as_secs_f64()
    );

    let spec = format!(
        "503@{}%,retry-after={},until={}s,seed=42",
        args.share, args.retry_after, args.fault_secs
    );
    sync_tests::set_faults(&server, &spec);
    let before = server.stats();
    let t0 = Instant::now();
    for (i, service) in &services {
        let draft = email_draft(&format!("user{i}.recovery@naver.com"));
        let service = service.clone();
        tokio::spawn(async move {
            let _ = service.submit_identity(&draft).await;
        });
    }

    // Sample the server once a second until every client is synced.
    let mut per_second = Vec::new();
    let mut last = before.requests;
    let mut at_clear: Option<(u64, u64)> = None;
    let mut all_synced_at = None;
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    loop {
        tick.tick().await;
        let now = server.stats();
        per_second.push(now.requests - last);
        last = now.requests;
        if at_clear.is_none() && t0.elapsed() >= Duration::from_secs(args.fault_secs) {
            at_clear = Some((now.requests, now.identity_writes));
        }
        let mut pending = 0;
        for (_, service) in &services {
            let overview = service.overview().await;
            if !matches!(overview.sync, SyncStatus::Synced { .. }) {
                pending += 1;
            }
        }
        if pending == 0 && now.identity_writes - before.identity_writes >= services.len() as u64 {
            all_synced_at = Some(t0.elapsed());
            break;
        }
        if t0.elapsed() > Duration::from_secs(args.fault_secs + 900) {
            println!("gave up: {pending} clients still not synced");
            break;
        }
    }
    let after = server.stats();
    let saves = after.identity_writes - before.identity_writes;
    let requests = after.requests - before.requests;
    println!("fault spec: {spec}");
    println!("clients: {}", services.len());
    println!(
        "saves applied: {saves} (idempotent replays {}), faults injected: {}",
        after.idempotent_replays - before.idempotent_replays,
        after.faults_injected - before.faults_injected
    );
    println!(
        "requests per applied save, overall: {:.3}",
        requests as f64 / saves.max(1) as f64
    );
    match at_clear {
        Some((requests_at_clear, writes_at_clear)) => {
            let late_saves = after.identity_writes - writes_at_clear;
            let late_requests = after.requests - requests_at_clear;
            println!(
                "after the faults cleared: {late_saves} saves with {late_requests} requests ({})",
                if late_saves == 0 {
                    "every save was applied during the fault window".to_string()
                } else {
                    format!(
                        "{:.3} requests per save",
                        late_requests as f64 / late_saves as f64
                    )
                }
            );
        }
        None => println!("every client was synced before the faults cleared"),
    }
    let peak = per_second.iter().copied().max().unwrap_or(0);
    println!("peak requests per second: {peak}");
    println!("requests per second: {per_second:?}");
    match all_synced_at {
        Some(t) => println!("time until all synced: {:.1} s", t.as_secs_f64()),
        None => println!("time until all synced: not reached"),
    }
}

fn email_draft(email: &str) -> Draft {
    Draft {
        input: IdentityInput {
            email: email.to_string(),
            ..IdentityInput::default()
        },
        ..Draft::default()
    }
}
