/* GET /metrics over libmicrohttpd, on its own thread. The listening
 * socket is ours (so a port in use says so); the HTTP is libmicrohttpd's. */
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "metrics.h"
#include "nstime.h"
#include "stop.h"

#define CT_TEXT "text/plain; version=0.0.4; charset=utf-8"
#define CT_OM   "application/openmetrics-text; version=1.0.0; charset=utf-8"

struct metrics_server {
	struct MHD_Daemon *d;
	metrics_render_fn fn;
	void *arg;
};

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             char *body, size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text_reply(struct MHD_Connection *conn, unsigned status, const char *text)
{
	char *body = strdup(text);

	return body ? reply(conn, status, "text/plain; charset=utf-8", body, strlen(body)) : MHD_NO;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_len, void **state)
{
	struct metrics_server *s = cls;
	(void)version, (void)upload, (void)upload_len, (void)state;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		return text_reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET\n");
	}
	if (!strcmp(url, "/")) {
		return text_reply(conn, MHD_HTTP_OK, "tscap: the metrics are at /metrics\n");
	}
	if (strcmp(url, "/metrics") != 0) {
		return text_reply(conn, MHD_HTTP_NOT_FOUND,
		                  "not found: the metrics are at /metrics\n");
	}
	const char *accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
	int om = metrics_wants_openmetrics(accept);
	size_t len;
	char *body = metrics_render(s->fn, s->arg, om, &len);
	if (!body) {
		return text_reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
	}
	return reply(conn, MHD_HTTP_OK, om ? CT_OM : CT_TEXT, body, len);
}

/* "127.0.0.1:9100", "[::1]:9100", ":9100" (every address). */
static int listen_on(const char *text, char *shown, size_t shown_len)
{
	char host[256];
	const char *colon = strrchr(text, ':');
	const char *h = text, *port = colon ? colon + 1 : NULL;
	size_t hl = colon ? (size_t)(colon - text) : 0;

	if (!colon || !*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5 ||
	    atoi(port) > 65535) {
		tsc_err("--metrics '%s': give ADDR:PORT, e.g. 127.0.0.1:9100, [::1]:9100 or :9100",
		        text);
		return -1;
	}
	if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') {
		h++, hl -= 2;
	}
	if (hl >= sizeof(host)) {
		tsc_err("--metrics '%s': address too long", text);
		return -1;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';

	struct addrinfo hints = {.ai_socktype = SOCK_STREAM,
	                         .ai_flags = AI_PASSIVE | AI_NUMERICSERV},
	                *ai;
	int r = getaddrinfo(hl ? host : "::", port, &hints, &ai);
	if (r != 0) {
		tsc_err("--metrics '%s': %s", text, gai_strerror(r));
		return -1;
	}
	int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1, zero = 0;
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!hl && ai->ai_family == AF_INET6) { /* ":PORT": IPv4 too */
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
		}
	}
	if (fd < 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 16) < 0) {
		int e = errno;
		tsc_err("--metrics: cannot listen on %s: %s", text, strerror(e));
		if (fd >= 0) {
			close(fd);
		}
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);

	struct sockaddr_storage ss = {0};
	socklen_t sl = sizeof(ss);
	char a[64] = "?", p[8] = "?";
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		getnameinfo((struct sockaddr *)&ss, sl, a, sizeof(a), p, sizeof(p),
		            NI_NUMERICHOST | NI_NUMERICSERV);
	}
	snprintf(shown, shown_len, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", a, p);
	return fd;
}

int metrics_start(const char *addr, metrics_render_fn fn, void *arg, struct metrics_server **out)
{
	struct metrics_server *s = calloc(1, sizeof(*s));
	char shown[96];
	sigset_t block, old;

	*out = NULL;
	if (!s) {
		tsc_err("out of memory");
		return -1;
	}
	int fd = listen_on(addr, shown, sizeof(shown));
	if (fd < 0) {
		free(s);
		return -1;
	}
	s->fn = fn;
	s->arg = arg;
	/* The server's thread takes no stop signal: the command's thread does. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	s->d = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
	                        0, NULL, NULL, handle, s, MHD_OPTION_LISTEN_SOCKET, fd,
	                        MHD_OPTION_CONNECTION_LIMIT, 32u, MHD_OPTION_CONNECTION_TIMEOUT,
	                        10u, MHD_OPTION_END);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!s->d) {
		tsc_err("--metrics: cannot start the HTTP server on %s", shown);
		close(fd);
		free(s);
		return -1;
	}
	fprintf(stderr, "tscap: metrics at http://%s/metrics\n", shown);
	*out = s;
	return 0;
}

void metrics_linger(struct metrics_server *s, double sec)
{
	if (!s || sec <= 0) {
		return;
	}
	fflush(stdout); /* the summary first: whoever reads it may scrape next */
	tsc_stop = 0;   /* a stop signal now ends the linger */
	int64_t end = tsc_now_monotonic() + (int64_t)(sec * 1e9);
	while (!tsc_stop && tsc_now_monotonic() < end) {
		struct timespec ts = {0, 50 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

void metrics_stop(struct metrics_server *s)
{
	if (s) {
		MHD_stop_daemon(s->d);
		free(s);
	}
}
