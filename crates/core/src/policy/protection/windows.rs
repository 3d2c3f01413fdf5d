//! The Windows reading of a file's and a folder's owner and access-control list, judged by
//! [`super::judge_acl`].

use super::{judge_acl, Ace, AceKind, Fault};
use std::ffi::c_void;
use std::fs::File;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::AsRawHandle;
use std::path::Path;
use std::ptr::null_mut;
use windows_sys::Win32::Foundation::{LocalFree, ERROR_SUCCESS, HANDLE};
use windows_sys::Win32::Security::Authorization::{
    GetNamedSecurityInfoW, GetSecurityInfo, SE_FILE_OBJECT,
};
use windows_sys::Win32::Security::{
    AclSizeInformation, GetAce, GetAclInformation, IsWellKnownSid, WinBuiltinAdministratorsSid,
    WinLocalSystemSid, ACCESS_ALLOWED_ACE, ACE_HEADER, ACL, ACL_SIZE_INFORMATION,
    DACL_SECURITY_INFORMATION, INHERIT_ONLY_ACE, OWNER_SECURITY_INFORMATION, PSECURITY_DESCRIPTOR,
    PSID,
};

/// Allow and deny entries, plain and callback: the same layout up to the SID.
const ALLOWED: [u8; 2] = [0, 9];
const DENIED: [u8; 2] = [1, 10];
/// More entries than any real file carries: refused as unknown rather than walked.
const MAX_ACES: u32 = 1024;

/// A security descriptor the system allocated; the owner and DACL pointers point into it.
struct Descriptor {
    owner: PSID,
    dacl: *mut ACL,
    descriptor: PSECURITY_DESCRIPTOR,
}

impl Descriptor {
    fn empty() -> Descriptor {
        Descriptor {
            owner: null_mut(),
            dacl: null_mut(),
            descriptor: null_mut(),
        }
    }
}

impl Drop for Descriptor {
    fn drop(&mut self) {
        if !self.descriptor.is_null() {
            // SAFETY: allocated by Get(Named)SecurityInfoW, freed once, here.
            unsafe { LocalFree(self.descriptor) };
        }
    }
}

const WHAT: u32 = OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;

pub(super) fn check_file(file: &File) -> Result<(), Fault> {
    let mut d = Descriptor::empty();
    // SAFETY: a valid handle opened for reading (GENERIC_READ includes READ_CONTROL); the out
    // pointers are valid for writes.
    let status = unsafe {
        GetSecurityInfo(
            file.as_raw_handle() as HANDLE,
            SE_FILE_OBJECT,
            WHAT,
            &mut d.owner,
            null_mut(),
            &mut d.dacl,
            null_mut(),
            &mut d.descriptor,
        )
    };
    judge(status, &d)
}

pub(super) fn check_folder(folder: &Path) -> Result<(), Fault> {
    let wide: Vec<u16> = folder.as_os_str().encode_wide().chain([0]).collect();
    let mut d = Descriptor::empty();
    // SAFETY: `wide` is NUL-terminated and outlives the call; the out pointers are valid.
    let status = unsafe {
        GetNamedSecurityInfoW(
            wide.as_ptr(),
            SE_FILE_OBJECT,
            WHAT,
            &mut d.owner,
            null_mut(),
            &mut d.dacl,
            null_mut(),
            &mut d.descriptor,
        )
    };
    judge(status, &d)
}

fn trusted(sid: PSID) -> bool {
    // SAFETY: `sid` points to a SID inside a live security descriptor.
    !sid.is_null()
        && unsafe {
            IsWellKnownSid(sid, WinBuiltinAdministratorsSid) != 0
                || IsWellKnownSid(sid, WinLocalSystemSid) != 0
        }
}

fn judge(status: u32, d: &Descriptor) -> Result<(), Fault> {
    if status != ERROR_SUCCESS || d.descriptor.is_null() {
        return Err(Fault::Unknown);
    }
    if d.dacl.is_null() {
        return judge_acl(trusted(d.owner), None);
    }
    let mut info = ACL_SIZE_INFORMATION {
        AceCount: 0,
        AclBytesInUse: 0,
        AclBytesFree: 0,
    };
    // SAFETY: `d.dacl` is a valid ACL inside the descriptor; `info` is the size asked for.
    let ok = unsafe {
        GetAclInformation(
            d.dacl,
            (&mut info as *mut ACL_SIZE_INFORMATION).cast::<c_void>(),
            std::mem::size_of::<ACL_SIZE_INFORMATION>() as u32,
            AclSizeInformation,
        )
    };
    if ok == 0 || info.AceCount > MAX_ACES {
        return Err(Fault::Unknown);
    }
    let mut aces = Vec::new();
    for index in 0..info.AceCount {
        let mut ace: *mut c_void = null_mut();
        // SAFETY: `index` is below the ACL's entry count.
        if unsafe { GetAce(d.dacl, index, &mut ace) } == 0 || ace.is_null() {
            return Err(Fault::Unknown);
        }
        // SAFETY: every entry starts with an ACE_HEADER.
        let header = unsafe { *ace.cast::<ACE_HEADER>() };
        let inherit_only = u32::from(header.AceFlags) & INHERIT_ONLY_ACE != 0;
        let known = ALLOWED.contains(&header.AceType) || DENIED.contains(&header.AceType);
        if !known {
            aces.push(Ace {
                kind: AceKind::Other,
                inherit_only,
                mask: 0,
                trusted: false,
            });
            continue;
        }
        let body = ace.cast::<ACCESS_ALLOWED_ACE>();
        // SAFETY: allow and deny entries (plain and callback) share ACCESS_ALLOWED_ACE's
        // layout: header, mask, then the SID starting at `SidStart`.
        let (mask, sid) = unsafe {
            (
                (*body).Mask,
                std::ptr::addr_of_mut!((*body).SidStart).cast::<c_void>(),
            )
        };
        aces.push(Ace {
            kind: if ALLOWED.contains(&header.AceType) {
                AceKind::Allow
            } else {
                AceKind::Deny
            },
            inherit_only,
            mask,
            trusted: trusted(sid),
        });
    }
    judge_acl(trusted(d.owner), Some(&aces))
}
