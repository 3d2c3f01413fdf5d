//! Medians, spreads and percentiles of repeated measurements.

/// The median of a set of runs and its spread (the smallest and largest run).
#[derive(Clone, Copy, Debug)]
pub struct Summary {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub runs: usize,
}

impl Summary {
    /// `None` for no samples.
    pub fn of(samples: &[f64]) -> Option<Summary> {
        let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
        if sorted.is_empty() {
            return None;
        }
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Summary {
            median,
            min: sorted[0],
            max: sorted[n - 1],
            runs: n,
        })
    }

    /// `median (min–max)` with `decimals` and `unit`, e.g. `412 ms (398–450)`.
    pub fn show(&self, decimals: usize, unit: &str) -> String {
        if self.runs == 1 || self.min == self.max {
            return format!("{:.decimals$} {unit}", self.median);
        }
        format!(
            "{:.decimals$} {unit} ({:.decimals$}–{:.decimals$})",
            self.median, self.min, self.max
        )
    }
}

/// The `q` quantile (0–1) of `samples` by the nearest rank.
pub fn percentile(samples: &[f64], q: f64) -> Option<f64> {
    let mut sorted: Vec<f64> = samples.iter().copied().filter(|v| v.is_finite()).collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let rank = ((sorted.len() as f64) * q).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// The median PSS of each process name over runs, each run given as (name, PSS in KiB) pairs; names
/// in the order they first appear, a name seen twice in one run summed. E.g.
/// `mail-identity 61.2 MiB, WebKitWebProces 180.4 MiB`.
pub fn pss_by_process(runs: &[Vec<(String, u64)>]) -> String {
    let mut names: Vec<&str> = Vec::new();
    for (name, _) in runs.iter().flatten() {
        if !names.contains(&name.as_str()) {
            names.push(name);
        }
    }
    names
        .iter()
        .filter_map(|name| {
            let per_run: Vec<f64> = runs
                .iter()
                .map(|run| {
                    run.iter()
                        .filter(|(n, _)| n == name)
                        .map(|(_, kib)| *kib as f64 / 1024.0)
                        .sum()
                })
                .collect();
            Some(format!("{name} {}", Summary::of(&per_run)?.show(1, "MiB")))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts_and_the_spread() {
        let s = Summary::of(&[3.0, 1.0, 2.0]).expect("samples");
        assert_eq!((s.median, s.min, s.max, s.runs), (2.0, 1.0, 3.0, 3));
        let s = Summary::of(&[4.0, 1.0, 2.0, 3.0]).expect("samples");
        assert_eq!(s.median, 2.5);
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&samples, 0.50), Some(50.0));
        assert_eq!(percentile(&samples, 0.95), Some(95.0));
        assert_eq!(percentile(&samples, 0.99), Some(99.0));
        assert_eq!(percentile(&[7.0], 0.99), Some(7.0));
    }

    #[test]
    fn pss_by_process_takes_each_names_median_in_order_of_appearance() {
        let run = |app: u64, web: u64| vec![("app".to_string(), app), ("web".to_string(), web)];
        let runs = vec![run(1024, 2048), run(3072, 2048), run(2048, 2048)];
        assert_eq!(pss_by_process(&runs), "app 2.0 MiB (1.0–3.0), web 2.0 MiB");
        let twice = vec![vec![("web".to_string(), 1024), ("web".to_string(), 1024)]];
        assert_eq!(pss_by_process(&twice), "web 2.0 MiB");
        assert_eq!(pss_by_process(&[]), "");
    }

    #[test]
    fn shows_median_and_range() {
        let s = Summary::of(&[398.0, 412.0, 450.0]).expect("samples");
        assert_eq!(s.show(0, "ms"), "412 ms (398–450)");
        let one = Summary::of(&[5.0]).expect("a sample");
        assert_eq!(one.show(1, "MiB"), "5.0 MiB");
    }
}
