//! Re-confirm: after `reconfirm_days` the app asks once whether the registered info is still right
//! ("등록된 정보가 아직 맞나요?"). IT policy's `reconfirm_days` wins over the server's setting and is
//! then shown locked; the employee's "keep" is a queued write like any other
//! (`POST /v1/identity/reconfirm`), so the card goes away at once, also offline.

use super::clock::days_passed;
use super::types::ReconfirmView;

/// What the card depends on.
#[derive(Debug, Clone, Default)]
pub struct ReconfirmInput<'a> {
    /// Policy's `reconfirm_days`, when IT set it.
    pub policy_days: Option<u32>,
    /// The server's `reconfirm_days`.
    pub server_days: u32,
    /// RFC 3339: when the info was last registered, changed or kept.
    pub confirmed_at: Option<&'a str>,
    /// Info is registered (or queued).
    pub registered: bool,
    /// A write is queued (a save, a delete, a "keep"): the question waits, or is answered.
    pub write_queued: bool,
    /// Now, RFC 3339.
    pub now: &'a str,
}

/// The card's state. Without a `confirmed_at` (info registered before the server kept it) the
/// card is not due: there is no date to count from, and asking everyone at once on upgrade day
/// would be noise.
pub fn view(input: &ReconfirmInput<'_>) -> ReconfirmView {
    let (days, locked) = match input.policy_days {
        Some(days) => (days, true),
        None => (input.server_days, false),
    };
    let due = input.registered
        && days > 0
        && !input.write_queued
        && input
            .confirmed_at
            .is_some_and(|at| days_passed(at, days, input.now));
    ReconfirmView {
        days,
        locked,
        confirmed_at: input.confirmed_at.map(str::to_string),
        due,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: &str = "2026-12-06T00:00:00Z";

    fn input() -> ReconfirmInput<'static> {
        ReconfirmInput {
            policy_days: None,
            server_days: 180,
            confirmed_at: Some("2026-06-01T00:00:00Z"),
            registered: true,
            write_queued: false,
            now: NOW,
        }
    }

    #[test]
    fn due_after_the_days_with_info_and_nothing_queued() {
        let shown = view(&input());
        assert!(shown.due && !shown.locked && shown.days == 180);
        assert!(
            !view(&ReconfirmInput {
                write_queued: true,
                ..input()
            })
            .due
        );
        assert!(
            !view(&ReconfirmInput {
                registered: false,
                ..input()
            })
            .due
        );
        assert!(
            !view(&ReconfirmInput {
                confirmed_at: None,
                ..input()
            })
            .due
        );
        assert!(
            !view(&ReconfirmInput {
                confirmed_at: Some("2026-11-01T00:00:00Z"),
                ..input()
            })
            .due
        );
    }

    #[test]
    fn policy_wins_and_locks_and_zero_is_off() {
        let off = view(&ReconfirmInput {
            policy_days: Some(0),
            ..input()
        });
        assert!(off.locked && off.days == 0 && !off.due);
        let longer = view(&ReconfirmInput {
            policy_days: Some(365),
            ..input()
        });
        assert!(longer.locked && !longer.due);
        let server_off = view(&ReconfirmInput {
            server_days: 0,
            ..input()
        });
        assert!(!server_off.due && !server_off.locked);
    }
}
