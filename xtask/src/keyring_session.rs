//! Runs a command where the OS credential store works, so that the sync tests exercise the real
//! Secret Service rather than the in-memory fallback.
//!
//! A Linux machine without a desktop session (CI, a container, ssh) has no Secret Service: the
//! command then runs inside its own D-Bus session (`dbus-run-session`) with a gnome-keyring daemon
//! whose login keyring is created and unlocked with a throwaway password, in a throwaway directory
//! so that no real keyring is touched. The command starts only once that keyring is the session's
//! unlocked default collection. Windows and macOS have their store in every session; there, and on
//! a Linux machine without `dbus-run-session`, `dbus-send` or `gnome-keyring-daemon`, the command
//! runs as it is (the tests then use the memory store and say so, and the crash test is skipped).

use crate::exec::on_path;
use std::process::Command;

/// The Debian packages that provide the session (`dbus-send` comes with `dbus-daemon`) and the
/// keyring (and `secret-tool` for checks).
pub const DEBIAN_PACKAGES: &[&str] = &["dbus-daemon", "gnome-keyring", "libsecret-tools"];

/// How long the keyring daemon may take to publish its unlocked login collection.
const READY_SECONDS: u32 = 10;

/// Whether this is a Linux machine with the tools for a session with a keyring.
fn available() -> bool {
    cfg!(target_os = "linux")
        && on_path("dbus-run-session")
        && on_path("dbus-send")
        && on_path("gnome-keyring-daemon")
}

/// `command`, wrapped in a D-Bus session with an unlocked keyring when this is Linux and the tools
/// are there.
///
/// `gnome-keyring-daemon --daemonize` returns before the daemon owns `org.freedesktop.secrets` on
/// the bus. A call to that name in between makes the bus start another daemon from its service
/// file, without the throwaway directory and password: that one has no login collection (clients
/// fail with "Object does not exist at path …/collection/login") and works in the user's real
/// keyring directory. So the command waits, up to `READY_SECONDS`, until the name has an owner
/// (asked of the bus itself, which starts nothing) and then until its `default` alias, the
/// collection that `secret-tool` and the `keyring` crate store in, is the unlocked login
/// collection; if that never happens, it does not run and the session fails with a message.
pub fn wrap(command: Command) -> Command {
    if !available() {
        if cfg!(target_os = "linux") {
            println!(
                "no dbus-run-session/dbus-send/gnome-keyring-daemon: the tests use the in-memory \
                 credential store"
            );
        }
        return command;
    }
    // An empty password does not create the login collection; any other does.
    let script = format!(
        "set -e; \
        kr=$(mktemp -d); trap 'rm -rf \"$kr\"' EXIT; \
        printf 'mail-identity-tests' | XDG_DATA_HOME=\"$kr\" gnome-keyring-daemon --daemonize --unlock --components=secrets >/dev/null; \
        ask() {{ dbus-send --session --print-reply --reply-timeout=1000 \"$@\" 2>/dev/null; }}; \
        ready() {{ \
            ask --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
                string:org.freedesktop.secrets | grep -q 'boolean true' \
            && ask --dest=org.freedesktop.secrets /org/freedesktop/secrets \
                org.freedesktop.Secret.Service.ReadAlias string:default \
                | grep -q '\"/org/freedesktop/secrets/collection/login\"' \
            && ask --dest=org.freedesktop.secrets /org/freedesktop/secrets/collection/login \
                org.freedesktop.DBus.Properties.Get string:org.freedesktop.Secret.Collection string:Locked \
                | grep -q 'boolean false'; \
        }}; \
        deadline=$(( $(date +%s) + {READY_SECONDS} )); \
        until ready; do \
            if [ \"$(date +%s)\" -ge \"$deadline\" ]; then \
                echo 'keyring-session: the Secret Service has no unlocked default login collection {READY_SECONDS} s after gnome-keyring-daemon started' >&2; \
                exit 1; \
            fi; \
            sleep 0.05; \
        done; \
        \"$@\""
    );
    let mut wrapped = Command::new("dbus-run-session");
    wrapped.args(["--", "sh", "-c", &script, "keyring-session"]);
    wrapped.arg(command.get_program());
    wrapped.args(command.get_args());
    if let Some(dir) = command.get_current_dir() {
        wrapped.current_dir(dir);
    }
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapped.env(key, value),
            None => wrapped.env_remove(key),
        };
    }
    wrapped
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wrapped command reaches a working Secret Service (where the tools are installed).
    #[test]
    fn a_wrapped_command_can_store_and_read_a_secret() {
        if !available() || !on_path("secret-tool") {
            eprintln!(
                "skipped: no dbus-run-session, dbus-send, gnome-keyring-daemon or secret-tool here"
            );
            return;
        }
        let mut probe = Command::new("sh");
        probe.args([
            "-c",
            "printf v | secret-tool store --label=probe service xtask-probe user u \
             && secret-tool lookup service xtask-probe user u",
        ]);
        let output = wrap(probe).output().expect("dbus-run-session runs");
        assert!(output.status.success(), "{output:?}");
        // A keyring daemon may announce its control socket on the shared stdout: the secret is the
        // last line.
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(stdout.lines().last(), Some("v"), "{stdout:?}");
    }
}
