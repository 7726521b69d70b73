#include <stdio.h>
#include <sys/utsname.h>

#include "backend.h"

void tsc_os_describe(char *os, unsigned oslen, char *hw, unsigned hwlen)
{
	struct utsname u;

	if (uname(&u) < 0) {
		snprintf(os, oslen, "Linux");
		snprintf(hw, hwlen, "unknown");
		return;
	}
	snprintf(os, oslen, "%s %s", u.sysname, u.release);
	snprintf(hw, hwlen, "%s", u.machine);
}
