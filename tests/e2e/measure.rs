//! Figures, not tests: how quickly the running app answers a keystroke and changes screens.
//! Ignored by the test command; run with
//! `MAIL_IDENTITY_E2E=1 cargo test --features custom-protocol --test e2e measure -- --ignored --nocapture`
//! under a display. `cargo xtask bench` takes its typing figure from `bench.rs`, which drives the
//! release build.

use crate::support::{scratch_dir, App, Launch, Server};
use serde_json::{json, Value};

/// Percentiles of `samples` (milliseconds), as `p50/p95/p99`.
fn percentiles(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.95), at(0.99))
}

fn as_samples(value: Value) -> Vec<f64> {
    value
        .as_array()
        .expect("an array of timings")
        .iter()
        .filter_map(Value::as_f64)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: prints figures, asserts none"]
async fn measure_keystroke_feedback_and_screen_transitions() {
    if !crate::support::enabled("measure_keystroke_feedback_and_screen_transitions") {
        return;
    }
    let server = Server::start(&scratch_dir("server")).await;
    let app = App::launch(Launch {
        os_locale: "C.UTF-8",
        server: Some(&server),
    })
    .await;
    app.sign_in("pending@corp.example").await;
    app.find_heading("[선택] 본인 인증 정보 수집 및 이용 동의")
        .await;

    // A phone keystroke's IPC round trip from the page (check_phone_input).
    let round_trips = app.keystroke_round_trips(1000).await;
    let (p50, p95, p99) = percentiles(as_samples(round_trips));
    println!("check_phone_input (one keystroke) IPC round trip over 1000 calls: p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms");

    // A screen transition: the click, the command behind it, until the next screen's heading has
    // been painted.
    let transition = "const [label, heading, done] = arguments;
        const button = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === label);
        const start = performance.now();
        button.click();
        const check = () => {
          const h1 = document.querySelector('h1');
          if (h1 && h1.textContent.trim() === heading) {
            requestAnimationFrame(() => done(performance.now() - start));
          } else {
            requestAnimationFrame(check);
          }
        };
        check();";
    let consent_to_form = app
        .client
        .execute_async(
            transition,
            vec![json!("동의"), json!("[선택] 본인 인증 정보")],
        )
        .await
        .expect("timing consent → form")
        .as_f64()
        .unwrap_or(f64::NAN);
    println!(
        "transition 동의 → info form (decision journalled and queued): {consent_to_form:.1} ms"
    );

    // Autosave: one encrypted draft write, durable when the command returns.
    let saves = app
        .client
        .execute_async(
            "const done = arguments[0];
             (async () => {
               const invoke = window.__TAURI_INTERNALS__.invoke;
               const times = [];
               for (let i = 0; i < 200; i++) {
                 const draft = { email: 'minjun' + i + '@naver.com', phone: '010-1234-5678', overseas: false,
                                 country: null, focus: 'email', caret: 6 };
                 const start = performance.now();
                 await invoke('save_draft', { draft });
                 times.push(performance.now() - start);
               }
               const loads = [];
               for (let i = 0; i < 50; i++) {
                 const start = performance.now();
                 await invoke('load_draft');
                 loads.push(performance.now() - start);
               }
               return [times, loads];
             })().then(done);",
            vec![],
        )
        .await
        .expect("timing the draft commands");
    let (p50, p95, p99) = percentiles(as_samples(saves[0].clone()));
    println!("save_draft (durable autosave) over 200 calls: p50 {p50:.2} ms, p95 {p95:.2} ms, p99 {p99:.2} ms");
    let (p50, p95, _) = percentiles(as_samples(saves[1].clone()));
    println!("load_draft over 50 calls: p50 {p50:.2} ms, p95 {p95:.2} ms");

    let mut samples = Vec::new();
    for _ in 0..20 {
        for (label, heading) in [("문의", "문의"), ("돌아가기", "[선택] 본인 인증 정보")]
        {
            let ms = app
                .client
                .execute_async(transition, vec![json!(label), json!(heading)])
                .await
                .expect("timing a screen change")
                .as_f64()
                .unwrap_or(f64::NAN);
            samples.push(ms);
        }
    }
    let (p50, p95, _) = percentiles(samples);
    println!("transition form ⇄ help over 40 changes: p50 {p50:.1} ms, p95 {p95:.1} ms");
    app.close().await;
}
