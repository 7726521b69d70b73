/* Walk a raw control-message buffer under a given ABI: the header size,
 * the width of cmsg_len and the alignment differ per OS and word size
 * (Linux 16/8/8 on 64-bit, XNU 12/4/4 everywhere, FreeBSD 12/4/8 on
 * 64-bit). Plain C over bytes, so every OS's layout is testable anywhere. */
#ifndef TSCAP_CMSG_WALK_H
#define TSCAP_CMSG_WALK_H

#include <stddef.h>
#include <stdint.h>

struct cmsg_abi {
	uint8_t hdr_len;  /* sizeof(struct cmsghdr) */
	uint8_t len_size; /* sizeof(cmsg_len): 4 or 8 */
	uint8_t align;    /* CMSG_ALIGN unit: 4 or 8 */
};

struct cmsg_item {
	int32_t level;
	int32_t type;
	const uint8_t *data; /* CMSG_DATA; not aligned for any type: memcpy */
	size_t data_len;     /* cmsg_len minus the aligned header */
};

struct cmsg_iter {
	const uint8_t *buf;
	size_t len;
	size_t off;
	const struct cmsg_abi *abi;
};

void cmsg_iter_init(struct cmsg_iter *it, const struct cmsg_abi *abi, const void *buf, size_t len);

/* 1: *item filled; 0: end of buffer; -1: malformed (a length that is
 * shorter than the header or runs past the buffer). Never reads outside
 * [buf, buf + len). After -1 the walk stays at its end. */
int cmsg_next(struct cmsg_iter *it, struct cmsg_item *item);

extern const struct cmsg_abi cmsg_abi_native;

/* SCM_RIGHTS, the same on every OS: an array of int. Keeps the first max
 * descriptors in fds, counts all of them in *n (which may pass max: the
 * caller closes what it kept). Returns 1 if the length is not a whole
 * number of ints (the tail is ignored), else 0. */
unsigned cmsg_take_fds(const struct cmsg_item *c, int *fds, unsigned max, unsigned *n);

/* Every SCM_RIGHTS message (level, type as the OS numbers them) in
 * ctl[0, len): for OSes whose only non-stamp message it is. */
#define CMSG_RIGHTS_MAX 16
struct cmsg_rights {
	int fds[CMSG_RIGHTS_MAX]; /* the first 16 descriptors, in order */
	unsigned n;               /* all descriptors passed */
	unsigned bad;             /* messages whose length is not a whole number of ints */
	unsigned msgs;            /* SCM_RIGHTS messages seen */
	unsigned other;           /* any other message */
	int malformed;            /* the walk met a malformed header */
};
void cmsg_rights_collect(const struct cmsg_abi *abi, const void *ctl, size_t len, int32_t level,
                         int32_t type, struct cmsg_rights *out);

#endif
