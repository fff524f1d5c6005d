/* Test-only stand-in for bcryptprimitives.dll under Wine 8 (Debian 12), which lacks ProcessPrng:
 * Rust's standard library (1.78+) takes its random numbers (HashMap keys) from it on Windows 10+,
 * so every Rust program aborts at start under that Wine. Windows 10 and 11 have the real one.
 * Built by .ci/wine-run into the Wine prefix of the tests; never shipped in the zip. */
#include <windows.h>

/* advapi32's RtlGenRandom, which Wine 8 has. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
