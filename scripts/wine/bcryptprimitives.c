/*
 * bcryptprimitives.dll for Wine 8 (Debian 12's wine64), test machines only.
 *
 * Go 1.22+ programs get their random bytes from ProcessPrng in
 * bcryptprimitives.dll, which every Windows since 8 has and Wine has only
 * from 9.0 on: under Wine 8 the Go runtime stops at start-up with
 * "bcryptprimitives.dll not found". This stand-in exports ProcessPrng over
 * BCryptGenRandom with the system RNG, which Wine 8 implements. It is copied
 * into the Wine prefix's system32 by scripts/windows.sh and never shipped.
 */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (BCryptGenRandom(NULL, data, n, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
