//! Processes as Linux shows them in `/proc`: a process and everything it started (the app's WebKit
//! web and network processes), their memory, and stopping them.

use std::time::{Duration, Instant};

/// Memory of a set of processes, in KiB.
#[derive(Clone, Copy, Debug, Default)]
pub struct Memory {
    /// Proportional set size: shared pages divided among the processes that map them, so a page
    /// shared by the app and its web process is counted once.
    pub pss_kib: u64,
    /// Resident set size: shared pages counted in every process (the figure `top` shows).
    pub rss_kib: u64,
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

/// PSS and RSS summed over `pids` (from `smaps_rollup`), with each process's name.
pub fn memory(pids: &[u32]) -> (Memory, Vec<String>) {
    let mut total = Memory::default();
    let mut names = Vec::new();
    for pid in pids {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        total.pss_kib += kib(&rollup, "Pss:");
        total.rss_kib += kib(&rollup, "Rss:");
        if let Ok(name) = std::fs::read_to_string(format!("/proc/{pid}/comm")) {
            names.push(name.trim().to_string());
        }
    }
    (total, names)
}

/// Sends SIGTERM to `pids`, waits up to 5 s for them to end, then SIGKILLs what is left.
pub fn stop(pids: &[u32]) {
    signal("-TERM", pids);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if pids.iter().all(|pid| !alive(*pid)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    signal("-KILL", pids);
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

/// True while `pid` exists and is not a zombie.
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let rest = stat.get(stat.rfind(')')? + 2..)?.to_string();
            Some(!rest.starts_with('Z'))
        })
        .unwrap_or(false)
}

/// Every process as (pid, parent pid).
fn parents() -> Vec<(u32, u32)> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // The name may hold spaces and parentheses: the fields follow the last ')'.
            let rest = stat.get(stat.rfind(')')? + 2..)?;
            let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
            Some((pid, ppid))
        })
        .collect()
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
        assert_eq!(kib(rollup, "Swap:"), 0);
    }

    #[test]
    fn this_process_is_in_its_own_tree_and_has_memory() {
        if !cfg!(target_os = "linux") {
            return;
        }
        let me = std::process::id();
        assert_eq!(tree(me).first(), Some(&me));
        let (memory, names) = memory(&[me]);
        assert!(memory.rss_kib > 0 && memory.pss_kib > 0);
        assert_eq!(names.len(), 1);
    }
}
