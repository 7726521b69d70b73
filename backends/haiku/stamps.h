/* What a Haiku source keeps (backends/posix/posix.h): nothing for stamps,
 * which Haiku's network stack does not take; only the cmsg layout. */
#ifndef TSCAP_HAIKU_STAMPS_H
#define TSCAP_HAIKU_STAMPS_H

#include "decode.h"

struct os_stamps {
	const struct cmsg_abi *abi;
};

#endif
