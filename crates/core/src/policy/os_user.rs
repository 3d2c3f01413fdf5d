//! Who runs the app, as the system's user database says, not as the environment claims.
//!
//! macOS keeps a user's forced managed preferences in `/Library/Managed Preferences/<user>/`. The
//! folder is named by the user's account name, and `$USER` is whatever the process was started
//! with: anyone starting the app can set it to another account (to pick up a looser policy) or to
//! nothing (to escape their own). The real user id (`getuid`) cannot be chosen that way, so the name
//! is looked up from it (`getpwuid_r`).

use std::ffi::CStr;

/// The largest buffer offered to `getpwuid_r`: far above any real entry, small enough to be safe.
const MAX_BUFFER: usize = 64 * 1024;

/// The account name of the real user running this process; `None` when the user database has no
/// entry for it or the name cannot be a single folder name.
pub fn current_user_name() -> Option<String> {
    // SAFETY: getuid has no preconditions and cannot fail.
    user_name(unsafe { libc::getuid() })
}

/// The account name of `uid` from the user database (`getpwuid_r`, thread-safe unlike
/// `getpwuid`); `None` when there is none or it is not usable as a folder name.
pub fn user_name(uid: libc::uid_t) -> Option<String> {
    let mut buffer = vec![0u8; 1024];
    loop {
        // SAFETY: an all-zero `passwd` is a valid value (null pointers and zero ids) to be
        // overwritten.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the length given; on success the strings in `entry`
        // point into `buffer`, which outlives their use below.
        let status = unsafe {
            libc::getpwuid_r(
                uid,
                &mut entry,
                buffer.as_mut_ptr().cast(),
                buffer.len(),
                &mut found,
            )
        };
        if status == libc::ERANGE && buffer.len() < MAX_BUFFER {
            buffer.resize(buffer.len() * 2, 0);
            continue;
        }
        if status != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        // SAFETY: `pw_name` is a NUL-terminated string inside `buffer`.
        let name = unsafe { CStr::from_ptr(entry.pw_name) }.to_str().ok()?;
        return Some(name.to_string()).filter(|n| is_folder_name(n));
    }
}

/// A name that stays one folder below `/Library/Managed Preferences`.
fn is_folder_name(name: &str) -> bool {
    !name.is_empty() && name != "." && name != ".." && !name.contains(['/', '\0'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_zero_is_root() {
        assert_eq!(user_name(0).as_deref(), Some("root"));
    }

    #[test]
    fn the_current_user_comes_from_the_uid_not_from_user() {
        // What `id -un` says (it reads the user database by the real uid), whatever `$USER` says.
        let id = std::process::Command::new("id")
            .arg("-un")
            .output()
            .expect("id runs");
        let expected = String::from_utf8_lossy(&id.stdout).trim().to_string();
        assert_eq!(current_user_name(), Some(expected));
    }

    #[test]
    fn an_unknown_uid_has_no_name() {
        assert_eq!(user_name(3_999_999_999), None);
    }

    #[test]
    fn names_that_would_leave_the_folder_are_refused() {
        for bad in ["", ".", "..", "a/b", "../x"] {
            assert!(!is_folder_name(bad), "{bad:?}");
        }
        assert!(is_folder_name("minjun.kim"));
    }
}
