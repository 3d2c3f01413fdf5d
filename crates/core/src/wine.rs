//! Whether this Windows build runs under Wine: the Windows tests run there on Linux, and for the
//! few things Wine is known not to model (file owners it does not keep, …) a test says so and
//! skips that case instead of failing or passing silently.

/// True when this Windows build runs under Wine rather than Windows: Wine's `ntdll.dll` exports
/// `wine_get_version`, which no Windows has. For the few checks where Wine is known to differ from
/// every Windows the app supports; each such skip says why.
pub fn under_wine() -> bool {
    #[cfg(windows)]
    {
        use std::ffi::c_void;
        #[link(name = "kernel32")]
        extern "system" {
            fn GetModuleHandleA(name: *const u8) -> *mut c_void;
            fn GetProcAddress(module: *mut c_void, name: *const u8) -> *mut c_void;
        }
        // SAFETY: both names are NUL-terminated; ntdll.dll is mapped into every Windows process
        // for its whole life, so its handle needs no reference count.
        unsafe {
            let ntdll = GetModuleHandleA(c"ntdll.dll".as_ptr().cast());
            !ntdll.is_null()
                && !GetProcAddress(ntdll, c"wine_get_version".as_ptr().cast()).is_null()
        }
    }
    #[cfg(not(windows))]
    {
        false
    }
}
