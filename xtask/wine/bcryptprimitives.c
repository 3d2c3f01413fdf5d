/*
 * bcryptprimitives.dll for the Wine prefix of the `windows` test layer (xtask/src/windows.rs).
 *
 * Rust's standard library (1.78 and later) takes its random bytes from
 * bcryptprimitives.dll!ProcessPrng, which every supported Windows (10, 11) has. Wine 8.0, the Wine
 * of Debian 12, has no bcryptprimitives.dll at all, so without this file every Rust program built
 * for Windows fails to start under it. This DLL exists only for that Wine prefix: it is never
 * shipped, and the app never loads it on Windows.
 *
 * ProcessPrng fills the buffer from RtlGenRandom (advapi32!SystemFunction036), the documented
 * source of cryptographically secure random bytes that Wine implements. Like Windows' own, it
 * never fails; if the source ever did, the process stops rather than use bytes that are not random.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            ExitProcess(0xC0000001u); /* STATUS_UNSUCCESSFUL */
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
