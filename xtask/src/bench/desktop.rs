//! Start-up and memory after start: the app and the bare Tauri window, each started as a person
//! starts it (a new process under the display), timed from spawn to the interactive mark the page
//! sends once its first screen is painted and takes input, then left to settle before its memory is
//! read. The two alternate run by run, so that a slower moment of the machine hits both alike.

use proc_tree::TreeMemory;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long an app may take to show its first screen before the run counts as failed.
const MARK_BUDGET: Duration = Duration::from_secs(60);
/// Time after the mark before memory is read: the web process finishes its first layout, the app its
/// start-up work (the phone metadata warm-up runs in the background).
const SETTLE: Duration = Duration::from_secs(2);

/// One program to start.
pub struct Subject<'a> {
    pub name: &'a str,
    pub binary: PathBuf,
    /// Extra environment (the app is pointed at a loopback address where nothing listens).
    pub env: Vec<(&'a str, String)>,
}

/// What one start showed.
pub struct Start {
    pub interactive_ms: f64,
    pub memory: TreeMemory,
}

/// `runs` measured starts of each subject (after one warm-up start each that is not counted: the
/// first start of a profile builds fontconfig's and WebKit's caches), alternating.
pub fn measure(
    subjects: &[Subject<'_>],
    runs: usize,
    work: &Path,
) -> Result<Vec<Vec<Start>>, String> {
    let mut results: Vec<Vec<Start>> = subjects.iter().map(|_| Vec::new()).collect();
    for round in 0..=runs {
        for (i, subject) in subjects.iter().enumerate() {
            let start = start_once(subject, work)?;
            if round == 0 {
                println!(
                    "  warm-up {}: interactive after {:.0} ms",
                    subject.name, start.interactive_ms
                );
                continue;
            }
            println!(
                "  run {round}/{runs} {}: interactive after {:.0} ms, PSS {:.1} MiB, RSS {:.1} MiB",
                subject.name,
                start.interactive_ms,
                start.memory.total.pss_kib as f64 / 1024.0,
                start.memory.total.rss_kib as f64 / 1024.0
            );
            results[i].push(start);
        }
    }
    Ok(results)
}

fn start_once(subject: &Subject<'_>, work: &Path) -> Result<Start, String> {
    let home = work.join(format!("home-{}", subject.name));
    for dir in [".config", ".local/share", ".cache"] {
        std::fs::create_dir_all(home.join(dir))
            .map_err(|e| format!("cannot create {}: {e}", home.display()))?;
    }
    let mark = work.join(format!("{}.mark", subject.name));
    let _ = std::fs::remove_file(&mark);
    let mut command = Command::new(&subject.binary);
    command
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env_remove("LANGUAGE")
        .env("MAIL_IDENTITY_BENCH_MARK", &mark)
        .envs(subject.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let spawned_at = epoch_ms();
    let mut child = command
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", subject.binary.display()))?;
    let pid = child.id();
    let deadline = Instant::now() + MARK_BUDGET;
    let marked_at = loop {
        if let Some(at) = std::fs::read_to_string(&mark)
            .ok()
            .and_then(|text| text.trim().parse::<f64>().ok())
        {
            break at;
        }
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "{} exited ({status}) before its first screen was interactive",
                subject.name
            ));
        }
        if Instant::now() > deadline {
            proc_tree::stop(&proc_tree::tree(pid));
            let _ = child.wait();
            return Err(format!(
                "{} showed no interactive first screen within {} s",
                subject.name,
                MARK_BUDGET.as_secs()
            ));
        }
        // The mark holds its own time: polling slowly costs no precision, and no CPU the start needs.
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(SETTLE);
    let tree = proc_tree::tree(pid);
    let memory = proc_tree::memory(&tree);
    proc_tree::stop(&tree);
    let _ = child.wait();
    Ok(Start {
        interactive_ms: marked_at - spawned_at,
        memory,
    })
}

fn epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or_default()
}
