//! Processes as Linux shows them in `/proc`: a process and everything it started (a Tauri app's
//! WebKit web and network processes), their memory, and stopping them.
//!
//! Used by `cargo xtask bench` and by the end-to-end tests' benchmark, so that both count memory the
//! same way. Off Linux every function answers "nothing" (empty lists, zero memory).

use std::path::Path;
use std::time::{Duration, Instant};

/// Memory of one process or a set of them, in KiB.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    /// Proportional set size: shared pages divided among the processes that map them, so a page
    /// shared by the app and its web process is counted once.
    pub pss_kib: u64,
    /// Resident set size: shared pages counted in every process (the figure `top` shows).
    pub rss_kib: u64,
    /// The part of the PSS that is anonymous memory (heaps, JIT code, caches the process built).
    pub pss_anon_kib: u64,
    /// The part of the PSS that is mapped files (libraries, fonts, the ICU data).
    pub pss_file_kib: u64,
}

impl std::ops::AddAssign for Memory {
    fn add_assign(&mut self, other: Memory) {
        self.pss_kib += other.pss_kib;
        self.rss_kib += other.rss_kib;
        self.pss_anon_kib += other.pss_anon_kib;
        self.pss_file_kib += other.pss_file_kib;
    }
}

/// One process's memory and name (`/proc/<pid>/comm`, e.g. `WebKitWebProces`: the kernel keeps
/// 15 characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessMemory {
    pub pid: u32,
    pub name: String,
    pub memory: Memory,
}

/// The memory of a process tree: the sum and each process.
#[derive(Clone, Debug, Default)]
pub struct TreeMemory {
    pub total: Memory,
    pub processes: Vec<ProcessMemory>,
}

impl TreeMemory {
    /// The processes' names, parents first.
    pub fn names(&self) -> Vec<String> {
        self.processes.iter().map(|p| p.name.clone()).collect()
    }
}

/// `root` and every process below it, parents first.
pub fn tree(root: u32) -> Vec<u32> {
    let all = parents();
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i];
        tree.extend(
            all.iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    tree
}

/// PSS and RSS of each of `pids` (from `smaps_rollup`) and their sum. A process that ended
/// meanwhile is left out.
pub fn memory(pids: &[u32]) -> TreeMemory {
    let mut out = TreeMemory::default();
    for &pid in pids {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        let memory = Memory {
            pss_kib: kib(&rollup, "Pss:"),
            rss_kib: kib(&rollup, "Rss:"),
            pss_anon_kib: kib(&rollup, "Pss_Anon:"),
            pss_file_kib: kib(&rollup, "Pss_File:"),
        };
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .map(|name| name.trim().to_string())
            .unwrap_or_default();
        out.total += memory;
        out.processes.push(ProcessMemory { pid, name, memory });
    }
    out
}

/// The processes running the executable at `binary`, oldest (lowest pid) first.
pub fn running(binary: &Path) -> Vec<u32> {
    let Ok(binary) = std::fs::canonicalize(binary) else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = pids()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).ok() == Some(binary.clone()))
        .collect();
    pids.sort_unstable();
    pids
}

/// The processes whose environment holds `entry` exactly (e.g. `HOME=/tmp/test-home`).
pub fn with_environment(entry: &str) -> Vec<u32> {
    let needle = entry.as_bytes();
    pids()
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/environ"))
                .map(|environ| environ.split(|b| *b == 0).any(|e| e == needle))
                .unwrap_or(false)
        })
        .collect()
}

/// Sends SIGTERM to `pids`, waits up to 5 s for them to end, then SIGKILLs what is left and waits
/// (up to 5 s more) until it is gone too: what this returns from has let go of its sockets and bus
/// names, so that the next start of the same app (a single-instance app asks the session bus
/// whether it already runs) never meets one still dying.
pub fn stop(pids: &[u32]) {
    signal("-TERM", pids);
    if ended_within(pids, Duration::from_secs(5)) {
        return;
    }
    signal("-KILL", pids);
    ended_within(pids, Duration::from_secs(5));
}

/// True once none of `pids` is alive, checked until `budget` runs out.
fn ended_within(pids: &[u32], budget: Duration) -> bool {
    let deadline = Instant::now() + budget;
    loop {
        if pids.iter().all(|pid| !alive(*pid)) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// True while `pid` exists and is not a zombie.
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| Some(!after_name(&stat)?.starts_with('Z')))
        .unwrap_or(false)
}

fn signal(signal: &str, pids: &[u32]) {
    let alive: Vec<String> = pids
        .iter()
        .filter(|pid| alive(**pid))
        .map(u32::to_string)
        .collect();
    if alive.is_empty() {
        return;
    }
    let _ = std::process::Command::new("kill")
        .arg(signal)
        .args(&alive)
        .stderr(std::process::Stdio::null())
        .status();
}

/// Every process id in `/proc`.
fn pids() -> impl Iterator<Item = u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
}

/// Every process as (pid, parent pid).
fn parents() -> Vec<(u32, u32)> {
    pids()
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            let ppid = after_name(&stat)?.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect()
}

/// The fields of `/proc/<pid>/stat` after the name, which may hold spaces and parentheses: they
/// follow the last ')'.
fn after_name(stat: &str) -> Option<&str> {
    stat.get(stat.rfind(')')? + 2..)
}

fn kib(rollup: &str, field: &str) -> u64 {
    rollup
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_rollup_fields_in_kib() {
        let rollup = "00400000-7ffd [rollup]\nRss:               51200 kB\nPss:               20480 kB\nPss_Anon: 1 kB\n";
        assert_eq!(kib(rollup, "Rss:"), 51200);
        assert_eq!(kib(rollup, "Pss:"), 20480);
        assert_eq!(kib(rollup, "Pss_Anon:"), 1);
        assert_eq!(kib(rollup, "Swap:"), 0);
    }

    #[test]
    fn reads_the_state_after_a_name_with_parentheses() {
        assert_eq!(after_name("42 (a (b) c) S 1 42"), Some("S 1 42"));
        assert_eq!(after_name("no name"), None);
    }

    #[test]
    fn this_process_is_in_its_own_tree_and_has_memory() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let me = std::process::id();
        assert_eq!(tree(me).first(), Some(&me));
        assert!(alive(me));
        let measured = memory(&[me]);
        assert!(measured.total.rss_kib > 0 && measured.total.pss_kib > 0);
        assert_eq!(measured.processes.len(), 1);
        assert_eq!(measured.processes[0].memory, measured.total);
        let exe = std::env::current_exe().unwrap();
        assert!(running(&exe).contains(&me));
        let home = format!("HOME={}", std::env::var("HOME").unwrap_or_default());
        if std::env::var_os("HOME").is_some() {
            assert!(with_environment(&home).contains(&me));
        }
    }
}
