#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "nstime.h"

/* Never through a symbolic link: one planted at the output path in a
 * shared directory would otherwise make us write (or truncate) whatever
 * it points to. Mode 0644 less the umask. */
static int open_out(const char *path, int excl)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (excl ? O_EXCL : O_TRUNC);
	int fd = open(path, flags, 0644);
	int e = errno;

	if (fd >= 0) {
		return fd;
	}
	if (e == ELOOP) {
		tsc_err("cannot write %s: it is a symbolic link, which tscap does not follow",
		        path);
	} else if (e == EEXIST && excl) {
		tsc_err("cannot write %s: it exists (--no-clobber)", path);
	} else {
		tsc_err("cannot write %s: %s", path, strerror(e));
	}
	return -e;
}

int writer_open(struct tsc_writer *w, const char *path, size_t cap, int excl)
{
	struct stat st;

	memset(w, 0, sizeof(*w));
	w->path = path;
	if (strcmp(path, "-") == 0) {
		w->fd = STDOUT_FILENO;
	} else {
		w->fd = open_out(path, excl);
		if (w->fd < 0) {
			int e = -w->fd;
			w->fd = -1;
			return -e;
		}
	}
	if (fstat(w->fd, &st) == 0) {
		w->is_pipe = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode);
		w->is_regular = S_ISREG(st.st_mode);
	}
	w->buf = malloc(cap);
	if (!w->buf) {
		tsc_err("out of memory for a %zu-byte output buffer", cap);
		if (w->fd != STDOUT_FILENO) {
			close(w->fd);
		}
		w->fd = -1;
		return -ENOMEM;
	}
	w->cap = cap;
	w->last_flush = tsc_now_monotonic();
	return 0;
}

uint8_t *writer_reserve(struct tsc_writer *w, size_t n)
{
	if (w->err) {
		return NULL;
	}
	if (w->len + n > w->cap && writer_flush(w) < 0) {
		return NULL;
	}
	if (n > w->cap) {
		uint8_t *bigger = realloc(w->buf, n);
		if (!bigger) {
			w->err = -ENOMEM;
			return NULL;
		}
		w->buf = bigger;
		w->cap = n;
	}
	return w->buf + w->len;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0) {
			if (errno == EINTR) {
				continue;
			}
			return -errno;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int writer_flush(struct tsc_writer *w)
{
	if (w->err) {
		return w->err;
	}
	w->last_flush = tsc_now_monotonic();
	if (!w->len) {
		return 0;
	}
	int r = write_all(w->fd, w->buf, w->len);
	if (r < 0) {
		w->err = r;
		/* A partial block would make the file unreadable: cut it back,
		 * in a file we created (stdout may be appending to another's). */
		if (w->is_regular && w->fd != STDOUT_FILENO && ftruncate(w->fd, w->committed) < 0) {
			tsc_dbg("ftruncate %s: %s", w->path, strerror(errno));
		}
		return r;
	}
	w->committed += (off_t)w->len;
	w->len = 0;
	w->flushed += w->pending;
	w->pending = 0;
	return 0;
}

int writer_tick(struct tsc_writer *w, int64_t max_age_ns)
{
	if (w->len && tsc_now_monotonic() - w->last_flush >= max_age_ns) {
		return writer_flush(w);
	}
	return w->err;
}

int writer_close(struct tsc_writer *w)
{
	int r = w->fd >= 0 ? writer_flush(w) : w->err;

	if (w->fd >= 0 && w->fd != STDOUT_FILENO && close(w->fd) < 0 && !r) {
		r = -errno;
		w->err = r;
	}
	w->fd = -1;
	free(w->buf);
	w->buf = NULL;
	return r;
}
