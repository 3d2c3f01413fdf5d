//! Whether the system-wide policy file is an administrator's, before a byte of it is believed.
//!
//! The policy file can name the API server, an extra root certificate and the update endpoint, so
//! whoever can write it can redirect the app. Its folder is meant to be writable by administrators
//! only, but nothing guarantees that: on Windows any user may create folders in `%ProgramData%`,
//! so a user can make `%ProgramData%\Mailplug\MailIdentity` before the app is installed and plant a
//! `policy.json` there. The file is therefore read only when it **and** its folder
//!
//! - belong to an administrator (root on Linux and macOS; `Administrators` or `SYSTEM` on Windows),
//!   and
//! - cannot be written by anyone else (no group or world write bit; no Windows access-control entry
//!   that grants a write right to another account).
//!
//! Otherwise the file is ignored and the report says why ([`super::ProblemKind::NotProtected`]).
//! Only the file's own folder is checked: a non-administrator who controls a folder further up can
//! swap the folder out, but what they put in its place belongs to them and fails this check.
//!
//! The decisions ([`judge_mode`], [`judge_acl`]) are pure and tested on every OS; the OS calls
//! that feed them stay thin.

use serde::Serialize;
use std::fs::File;
use std::path::Path;

/// Which part of the policy file's path failed the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Part {
    File,
    /// The folder holding the file.
    Folder,
}

/// Why a file or folder is not trusted as an administrator's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Owned by someone other than root, `Administrators` or `SYSTEM`.
    UntrustedOwner,
    /// Someone besides the administrators may write it (a write bit for the group or for everyone;
    /// an access-control entry granting a write right, or no access-control list at all).
    WritableByOthers,
    /// The protection could not be read, or holds an entry of a kind this check does not know: an
    /// unknown grant could be a write grant, so it is refused rather than guessed.
    Unknown,
}

/// Checks the opened `file` (opened at `path`) and the folder holding it. The file's own handle is
/// checked, not its path again, so that a file swapped in after the check is not the one read.
pub fn check(file: &File, path: &Path) -> Result<(), (Part, Fault)> {
    os::check_file(file).map_err(|fault| (Part::File, fault))?;
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .ok_or((Part::Folder, Fault::Unknown))?;
    os::check_folder(folder).map_err(|fault| (Part::Folder, fault))
}

/// Groups whose write bit is an administrator's: macOS's `wheel` (0) and `admin` (80), the groups
/// its installers give `/Library` folders. On Linux no group write is accepted.
#[cfg(target_os = "macos")]
const ADMIN_GROUPS: &[u32] = &[0, 80];
#[cfg(not(target_os = "macos"))]
const ADMIN_GROUPS: &[u32] = &[];

/// The Unix rule: owned by root, and neither the group (unless an administrators' group) nor others
/// may write.
#[cfg_attr(not(unix), allow(dead_code))]
pub(crate) fn judge_mode(owner: u32, group: u32, mode: u32) -> Result<(), Fault> {
    if owner != 0 {
        return Err(Fault::UntrustedOwner);
    }
    let group_writes = mode & 0o020 != 0 && !ADMIN_GROUPS.contains(&group);
    if group_writes || mode & 0o002 != 0 {
        return Err(Fault::WritableByOthers);
    }
    Ok(())
}

/// What an access-control entry does, as far as this check cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) enum AceKind {
    Allow,
    Deny,
    /// Any other type (object or conditional entries): not expected on a file, not understood.
    Other,
}

/// One entry of a Windows access-control list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) struct Ace {
    pub kind: AceKind,
    /// An entry only passed on to new children, which does not apply to the object itself.
    pub inherit_only: bool,
    pub mask: u32,
    /// The entry is for `Administrators` or `SYSTEM`.
    pub trusted: bool,
}

/// The access rights that change a file or a folder's content, or who may change it: write and
/// append data (add file and add folder), extended attributes, delete child, attributes, delete,
/// change permissions, take ownership, and the generic all / write / maximum-allowed requests.
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) const WRITE_RIGHTS: u32 = 0x0000_0002
    | 0x0000_0004
    | 0x0000_0010
    | 0x0000_0040
    | 0x0000_0100
    | 0x0001_0000
    | 0x0004_0000
    | 0x0008_0000
    | 0x0200_0000
    | 0x1000_0000
    | 0x4000_0000;

/// The Windows rule: an administrator owner, and no entry that applies to the object itself and
/// grants a write right to anyone else. `None` is a null DACL, which grants everyone everything.
/// Deny entries are not needed to reach a verdict: an allow entry with a write right is refused
/// even when a deny entry might mask it, because entry order is easy to get wrong.
#[cfg_attr(not(windows), allow(dead_code))]
pub(crate) fn judge_acl(owner_trusted: bool, dacl: Option<&[Ace]>) -> Result<(), Fault> {
    if !owner_trusted {
        return Err(Fault::UntrustedOwner);
    }
    let Some(aces) = dacl else {
        return Err(Fault::WritableByOthers);
    };
    for ace in aces.iter().filter(|ace| !ace.inherit_only) {
        match ace.kind {
            AceKind::Deny => {}
            AceKind::Other => return Err(Fault::Unknown),
            AceKind::Allow if !ace.trusted && ace.mask & WRITE_RIGHTS != 0 => {
                return Err(Fault::WritableByOthers)
            }
            AceKind::Allow => {}
        }
    }
    Ok(())
}

#[cfg(unix)]
mod os {
    use super::{judge_mode, Fault};
    use std::fs::{File, Metadata};
    use std::os::unix::fs::MetadataExt;
    use std::path::Path;

    fn judge(metadata: std::io::Result<Metadata>) -> Result<(), Fault> {
        let metadata = metadata.map_err(|_| Fault::Unknown)?;
        judge_mode(metadata.uid(), metadata.gid(), metadata.mode())
    }

    pub(super) fn check_file(file: &File) -> Result<(), Fault> {
        judge(file.metadata())
    }

    pub(super) fn check_folder(folder: &Path) -> Result<(), Fault> {
        judge(std::fs::metadata(folder))
    }
}

#[cfg(windows)]
#[path = "protection/windows.rs"]
mod os;

#[cfg(not(any(unix, windows)))]
mod os {
    use super::Fault;
    use std::fs::File;
    use std::path::Path;

    pub(super) fn check_file(_: &File) -> Result<(), Fault> {
        Err(Fault::Unknown)
    }

    pub(super) fn check_folder(_: &Path) -> Result<(), Fault> {
        Err(Fault::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allow(mask: u32, trusted: bool) -> Ace {
        Ace {
            kind: AceKind::Allow,
            inherit_only: false,
            mask,
            trusted,
        }
    }

    /// `FILE_GENERIC_READ | FILE_EXECUTE`: what "Users: read & execute" grants.
    const READ_EXECUTE: u32 = 0x0012_00A9;
    /// `FILE_ALL_ACCESS`.
    const FULL: u32 = 0x001F_01FF;
    /// `FILE_ADD_FILE | FILE_ADD_SUBDIRECTORY`: what `%ProgramData%` grants Users on new folders.
    const CREATE: u32 = 0x0000_0006;

    #[test]
    fn unix_mode_rule() {
        assert_eq!(judge_mode(0, 0, 0o100644), Ok(()));
        assert_eq!(judge_mode(0, 0, 0o040755), Ok(()));
        assert_eq!(judge_mode(1000, 1000, 0o100644), Err(Fault::UntrustedOwner));
        assert_eq!(judge_mode(65534, 0, 0o100600), Err(Fault::UntrustedOwner));
        assert_eq!(judge_mode(0, 0, 0o100646), Err(Fault::WritableByOthers));
        assert_eq!(judge_mode(0, 0, 0o041777), Err(Fault::WritableByOthers));
        assert_eq!(judge_mode(0, 100, 0o100664), Err(Fault::WritableByOthers));
    }

    #[test]
    fn acl_rule_accepts_the_installers_acl() {
        // SYSTEM and Administrators full control, Users read & execute, inheritance removed.
        let aces = [
            allow(FULL, true),
            allow(FULL, true),
            allow(READ_EXECUTE, false),
        ];
        assert_eq!(judge_acl(true, Some(&aces)), Ok(()));
    }

    #[test]
    fn acl_rule_refuses_what_a_planted_folder_has() {
        // A folder a user created: the user owns it.
        assert_eq!(
            judge_acl(false, Some(&[allow(FULL, true)])),
            Err(Fault::UntrustedOwner)
        );
        // Owned by an administrator, but Users may add files (the `%ProgramData%` default).
        let aces = [allow(FULL, true), allow(READ_EXECUTE | CREATE, false)];
        assert_eq!(judge_acl(true, Some(&aces)), Err(Fault::WritableByOthers));
        // Everyone full control, and a null DACL.
        assert_eq!(
            judge_acl(true, Some(&[allow(FULL, false)])),
            Err(Fault::WritableByOthers)
        );
        assert_eq!(judge_acl(true, None), Err(Fault::WritableByOthers));
        // GENERIC_WRITE and WRITE_DAC alone are write rights too.
        for mask in [0x4000_0000, 0x0004_0000, 0x0008_0000, 0x1000_0000] {
            assert_eq!(
                judge_acl(true, Some(&[allow(mask, false)])),
                Err(Fault::WritableByOthers),
                "{mask:#x}"
            );
        }
    }

    #[test]
    fn acl_rule_ignores_inherit_only_entries_and_refuses_unknown_ones() {
        // CREATOR OWNER full control, passed on to children only: not a grant on the folder.
        let creator = Ace {
            inherit_only: true,
            ..allow(FULL, false)
        };
        assert_eq!(judge_acl(true, Some(&[creator])), Ok(()));
        let other = Ace {
            kind: AceKind::Other,
            ..allow(0, false)
        };
        assert_eq!(judge_acl(true, Some(&[other])), Err(Fault::Unknown));
        let deny = Ace {
            kind: AceKind::Deny,
            ..allow(FULL, false)
        };
        assert_eq!(judge_acl(true, Some(&[deny])), Ok(()));
    }
}

#[cfg(all(test, windows))]
#[path = "protection/windows_tests.rs"]
mod windows_tests;
