/* tscap-delayline: a UDP delay line for test beds on kernels without
 * netem. It relays datagrams between one client and one server and holds
 * each until its kernel RX stamp + the direction's delay (+ seeded jitter),
 * finishing each wait with a short spin, and drops or reorders on a seeded
 * schedule. It measures its own release error (send time - due time) so a
 * test can tell its error from the error of what it measures.
 *
 *   tscap-delayline --listen 10.0.0.2:862 --to 10.0.1.2:862 --fwd-delay 1000
 *
 * "forward" is client -> server (datagrams arriving on --listen), "back"
 * is server -> client. Runs until --duration, SIGINT or SIGTERM, then
 * prints one JSON line with what it did. Linux only (SO_TIMESTAMPNS). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD      65536
#define MAX_LEN       9216
#define SPIN_NS       200000 /* sleep until this close to the due time, then spin */
#define SPIN_QUIET_NS 5000   /* the end of a spin, where nothing else is done */

struct held {
	int64_t due;
	uint64_t order; /* arrival order: ties leave in order */
	int dir;        /* 0 forward, 1 back */
	uint16_t len;
	uint8_t *data;
};

struct direction {
	int64_t delay_ns, jitter_ns;
	double loss, reorder;
	uint64_t in, out, dropped, reordered;
};

static struct held heap[MAX_HELD];
static unsigned held_n;
static uint64_t arrivals;
static volatile sig_atomic_t stop;
struct errors {
	int64_t *v; /* release errors, ns */
	size_t n, cap;
};
static struct errors errs[2];

static int64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* xorshift64*: the drop / reorder / jitter schedule, reproducible by seed. */
static uint64_t rng_state = 88172645463325252ull;

static double rng_unit(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ull) >> 11) / 9007199254740992.0;
}

static int earlier(const struct held *a, const struct held *b)
{
	return a->due < b->due || (a->due == b->due && a->order < b->order);
}

static void heap_push(struct held h)
{
	unsigned i = held_n++;

	heap[i] = h;
	while (i && earlier(&heap[i], &heap[(i - 1) / 2])) {
		struct held t = heap[i];
		heap[i] = heap[(i - 1) / 2];
		heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct held heap_pop(void)
{
	struct held top = heap[0];
	unsigned i = 0;

	heap[0] = heap[--held_n];
	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, m = i;
		if (l < held_n && earlier(&heap[l], &heap[m])) {
			m = l;
		}
		if (r < held_n && earlier(&heap[r], &heap[m])) {
			m = r;
		}
		if (m == i) {
			break;
		}
		struct held t = heap[i];
		heap[i] = heap[m];
		heap[m] = t;
		i = m;
	}
	return top;
}

static int parse_addr(const char *text, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(text, ':');
	struct addrinfo hints = {.ai_family = AF_UNSPEC,
	                         .ai_socktype = SOCK_DGRAM,
	                         .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
	struct addrinfo *ai;

	if (!colon || (size_t)(colon - text) >= sizeof(host)) {
		return -1;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - text), text);
	if (host[0] == '[') { /* [v6]:port */
		memmove(host, host + 1, strlen(host));
		host[strcspn(host, "]")] = 0;
	}
	if (getaddrinfo(host, colon + 1, &hints, &ai) != 0) {
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	*len = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 0;
}

static int udp_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), one = 1,
	    buf = 4 << 20;

	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf));
	}
	return fd;
}

/* One datagram with its kernel RX stamp (now, if the kernel gave none). */
static ssize_t receive(int fd, uint8_t *buf, struct sockaddr_storage *from, int64_t *stamp)
{
	uint8_t ctl[128];
	struct iovec iov = {.iov_base = buf, .iov_len = MAX_LEN};
	struct msghdr h = {.msg_name = from,
	                   .msg_namelen = sizeof(*from),
	                   .msg_iov = &iov,
	                   .msg_iovlen = 1,
	                   .msg_control = ctl,
	                   .msg_controllen = sizeof(ctl)};
	ssize_t n = recvmsg(fd, &h, 0);

	*stamp = now_ns();
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); n >= 0 && c; c = CMSG_NXTHDR(&h, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec t;
			memcpy(&t, CMSG_DATA(c), sizeof(t));
			*stamp = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
		}
	}
	return n;
}

static void admit(struct direction *d, int dir, const uint8_t *buf, size_t len, int64_t stamp)
{
	d->in++;
	if (d->loss > 0 && rng_unit() < d->loss) {
		d->dropped++;
		return;
	}
	int64_t due = stamp + d->delay_ns;
	if (d->jitter_ns) {
		due += (int64_t)(rng_unit() * (double)d->jitter_ns);
	}
	if (d->reorder > 0 && rng_unit() < d->reorder) {
		/* held back long enough for the next datagrams to overtake it */
		due += d->delay_ns / 2 + 1000000;
		d->reordered++;
	}
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy || held_n == MAX_HELD) {
		free(copy);
		d->dropped++;
		return;
	}
	memcpy(copy, buf, len);
	heap_push((struct held){due, arrivals++, dir, (uint16_t)len, copy});
}

/* The two ends: down faces the client (--listen), up the server (--to). */
struct ends {
	int fd[2];
	struct sockaddr_storage client; /* whoever sent to --listen last */
	socklen_t client_len;
	struct direction *dirs;
	uint8_t *buf;
};

/* Everything queued on both sockets, admitted with its kernel RX stamp.
 * Called after each wait and all through a release spin: a datagram for
 * the other direction that arrives while a release is being waited out
 * must not wait with it. */
static void take_arrivals(struct ends *e)
{
	for (int i = 0; i < 2; i++) {
		struct sockaddr_storage from;
		int64_t stamp;
		ssize_t n;
		while ((n = receive(e->fd[i], e->buf, &from, &stamp)) >= 0) {
			if (i == 0) {
				e->client = from;
				e->client_len = from.ss_family == AF_INET6
				                    ? sizeof(struct sockaddr_in6)
				                    : sizeof(struct sockaddr_in);
			}
			admit(&e->dirs[i], i, e->buf, (size_t)n, stamp);
		}
	}
}

static void note_error(struct errors *e, int64_t x)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 4096;
		int64_t *n = realloc(e->v, cap * sizeof(*n));
		if (!n) {
			return;
		}
		e->v = n, e->cap = cap;
	}
	e->v[e->n++] = x;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void on_signal(int sig)
{
	stop = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: tscap-delayline --listen ADDR:PORT --to ADDR:PORT [--fwd-delay US] "
	        "[--back-delay US]\n"
	        "       [--fwd-jitter US] [--back-jitter US] [--fwd-loss PCT] [--back-loss PCT]\n"
	        "       [--fwd-reorder PCT] [--back-reorder PCT] [--seed N] [--duration SEC]\n");
}

static int number(const char *opt, const char *v, double min, double max, double *out)
{
	char *end;
	double x = strtod(v, &end);

	if (!*v || *end || x < min || x > max) {
		fprintf(stderr, "tscap-delayline: '%s' is not valid for --%s (%g to %g)\n", v, opt,
		        min, max);
		return -1;
	}
	*out = x;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"listen", 1, 0, 'l'},      {"to", 1, 0, 't'},
	    {"fwd-delay", 1, 0, 'd'},   {"back-delay", 1, 0, 'D'},
	    {"fwd-jitter", 1, 0, 'j'},  {"back-jitter", 1, 0, 'J'},
	    {"fwd-loss", 1, 0, 'p'},    {"back-loss", 1, 0, 'P'},
	    {"fwd-reorder", 1, 0, 'r'}, {"back-reorder", 1, 0, 'R'},
	    {"seed", 1, 0, 's'},        {"duration", 1, 0, 'T'},
	    {"help", 0, 0, 'h'},        {0},
	};
	struct sockaddr_storage listen_at, to;
	socklen_t listen_len = 0, to_len = 0;
	struct direction dirs[2] = {0};
	double duration = 3600, v;
	int c;

	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		int bad = 0;
		switch (c) {
		case 'l':
			bad = parse_addr(optarg, &listen_at, &listen_len);
			break;
		case 't':
			bad = parse_addr(optarg, &to, &to_len);
			break;
		case 'd':
		case 'D':
		case 'j':
		case 'J':
			bad = number("delay/jitter (us)", optarg, 0, 60e6, &v);
			*(c == 'd'   ? &dirs[0].delay_ns
			  : c == 'D' ? &dirs[1].delay_ns
			  : c == 'j' ? &dirs[0].jitter_ns
			             : &dirs[1].jitter_ns) = (int64_t)(v * 1000);
			break;
		case 'p':
		case 'P':
		case 'r':
		case 'R':
			bad = number("loss/reorder", optarg, 0, 100, &v);
			*(c == 'p'   ? &dirs[0].loss
			  : c == 'P' ? &dirs[1].loss
			  : c == 'r' ? &dirs[0].reorder
			             : &dirs[1].reorder) = v / 100;
			break;
		case 's':
			bad = number("seed", optarg, 1, 1e18, &v);
			rng_state = (uint64_t)v;
			break;
		case 'T':
			bad = number("duration", optarg, 0.001, 1e7, &duration);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
		if (bad) {
			if (c == 'l' || c == 't') {
				fprintf(stderr, "tscap-delayline: '%s' is not ADDR:PORT\n", optarg);
			}
			return 1;
		}
	}
	if (!listen_len || !to_len || optind != argc) {
		usage(stderr);
		return 1;
	}
	int down = udp_socket(listen_at.ss_family), up = udp_socket(to.ss_family);
	if (down < 0 || up < 0 || bind(down, (struct sockaddr *)&listen_at, listen_len) < 0 ||
	    connect(up, (struct sockaddr *)&to, to_len) < 0) {
		fprintf(stderr, "tscap-delayline: cannot set up the sockets: %s\n",
		        strerror(errno));
		return 1;
	}
	/* A release spin preempted by an ordinary task comes out a scheduler
	 * tick late: run as a real-time task where allowed (root). */
	struct sched_param sp = {.sched_priority = 10};
	if (sched_setscheduler(0, SCHED_FIFO, &sp) < 0) {
		fprintf(stderr, "tscap-delayline: not real-time (%s): releases may come late\n",
		        strerror(errno));
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	struct ends io = {.fd = {down, up}, .dirs = dirs, .buf = malloc(MAX_LEN)};
	int64_t end = now_ns() + (int64_t)(duration * 1e9);
	while (!stop && io.buf && now_ns() < end) {
		struct pollfd pf[2] = {{.fd = down, .events = POLLIN},
		                       {.fd = up, .events = POLLIN}};
		int64_t wait = held_n ? heap[0].due - SPIN_NS - now_ns() : 100000000;
		struct timespec ts = {.tv_sec = wait > 0 ? wait / 1000000000 : 0,
		                      .tv_nsec = wait > 0 ? wait % 1000000000 : 0};
		ppoll(pf, 2, &ts, NULL);
		take_arrivals(&io);
		while (held_n && heap[0].due - now_ns() < SPIN_NS) {
			int64_t left;
			while ((left = heap[0].due - now_ns()) > 0) {
				/* Arrivals may put an earlier datagram on top; the
				 * last few microseconds are pure spin, so taking them
				 * (two syscalls) does not make the release late. */
				if (left > SPIN_QUIET_NS) {
					take_arrivals(&io);
				}
			}
			struct held h = heap_pop();
			int64_t sent = now_ns();
			ssize_t r = h.dir == 0
			                ? send(up, h.data, h.len, 0)
			                : sendto(down, h.data, h.len, 0,
			                         (struct sockaddr *)&io.client, io.client_len);
			if (r >= 0) {
				dirs[h.dir].out++;
				note_error(&errs[h.dir], sent - h.due);
			}
			free(h.data);
		}
	}
	printf("{");
	for (int i = 0; i < 2; i++) {
		const struct direction *d = &dirs[i];
		struct errors *e = &errs[i];
		if (e->n) {
			qsort(e->v, e->n, sizeof(*e->v), cmp64);
		}
		printf("%s\"%s\": {\"in\": %llu, \"out\": %llu, \"dropped\": %llu, "
		       "\"reordered\": %llu, \"release_error_ns\": {\"n\": %zu, \"min\": %lld, "
		       "\"median\": %lld, \"p99\": %lld, \"max\": %lld}}",
		       i ? ", " : "", i ? "back" : "forward", (unsigned long long)d->in,
		       (unsigned long long)d->out, (unsigned long long)d->dropped,
		       (unsigned long long)d->reordered, e->n, e->n ? (long long)e->v[0] : 0,
		       e->n ? (long long)e->v[e->n / 2] : 0,
		       e->n ? (long long)e->v[e->n * 99 / 100] : 0,
		       e->n ? (long long)e->v[e->n - 1] : 0);
	}
	printf(", \"still_held\": %u}\n", held_n);
	fflush(stdout); /* before anything at exit can cut the process short */
	while (held_n) {
		free(heap_pop().data);
	}
	free(errs[0].v);
	free(errs[1].v);
	free(io.buf);
	return 0;
}
