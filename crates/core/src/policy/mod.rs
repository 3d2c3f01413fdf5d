//! Managed configuration: what IT sets for every desktop, and where each effective value came from.
//!
//! Sources, highest first: Windows `HKLM\SOFTWARE\Policies\Mailplug\MailIdentity`, then `HKCU\…`;
//! macOS forced managed preferences (computer, then user); a system-wide `policy.json`; then, not
//! managed, the environment (development builds only), the user's settings and the built-in defaults. A key set
//! by any managed source is locked in the UI (관리자가 설정함) and the user cannot override it.
//!
//! Unknown keys and refused values are reported in [`Resolved::problems`] and ignored; nothing in a
//! policy source can make the app fail to start. **No key gives consent on a user's behalf**: there
//! is no such key, and a key that looks like one is reported as [`ProblemKind::ConsentNotAllowed`].
//!
//! - [`keys`]: the keys and the check of one value;
//! - [`resolve`](mod@resolve): the pure precedence rule;
//! - [`sources`]: the thin readers of each OS's sources;
//! - [`protection`]: whether the system policy file is an administrator's, before it is read;
//! - [`environment`]: the `MAIL_IDENTITY_*` variables, honoured by development builds only.

pub mod environment;
pub mod keys;
#[cfg(unix)]
pub mod os_user;
pub mod protection;
pub mod resolve;
pub mod sources;
mod values;

pub use environment::environment_layer;
pub use keys::{Helpdesk, Key, LocalizedText, LogLevel, Policy, ProblemKind, Reason, Updates};
pub use resolve::{resolve, Layer, Problem, Resolved, Setting, Source};
pub use sources::{
    policy_file_layer, policy_file_path, protected_policy_file_layer, system_layers,
};

/// Reads every administrator source of this OS and resolves them over `app_layers` (the user's
/// settings as [`Source::UserSettings`], the environment as [`Source::Environment`]).
///
/// It touches the registry or the disk: call it once at start-up (and again when asked to reload),
/// not on every screen.
pub fn load_system_policy(app_layers: impl IntoIterator<Item = Layer>) -> Resolved {
    let mut layers = system_layers();
    layers.extend(app_layers);
    resolve(&layers)
}
