/* The do-nothing baseline receiver: one UDP socket, blocking recvmmsg in
 * batches of 64, no stamps, nothing done with the data. What the kernel's
 * receive costs on its own, to hold every tscap rx path against in the
 * same run. With COALESCE_US it batches as tscap capture does: after a
 * batch that emptied the socket it sleeps that long before reading again,
 * so the comparison is of the work per packet, not of wake-ups. With
 * "name" it also takes each datagram's source address and with "stamp"
 * the kernel's software receive stamp (SO_TIMESTAMPING), still doing
 * nothing with them: what the kernel charges for the information tscap
 * asks for, apart from anything tscap does. Prints the number of
 * datagrams received when stopped. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/net_tstamp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define SLOT  65536

static volatile sig_atomic_t stop;
static struct sockaddr_in names[BATCH];
static uint64_t ctl[BATCH][16];

/* The kernel rewrites the name and control lengths: reset before a call. */
static void rearm(struct mmsghdr *msgs, int want_name, int want_stamp)
{
	for (int i = 0; i < BATCH; i++) {
		if (want_name) {
			msgs[i].msg_hdr.msg_name = &names[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(names[i]);
		}
		if (want_stamp) {
			msgs[i].msg_hdr.msg_control = ctl[i];
			msgs[i].msg_hdr.msg_controllen = sizeof(ctl[i]);
		}
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static uint8_t bufs[BATCH][SLOT];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct sigaction sa = {.sa_handler = on_signal};
	struct sockaddr_in a = {.sin_family = AF_INET};
	unsigned long long n = 0;
	int rcvbuf = 8 << 20;

	int want_name = 0, want_stamp = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: baseline_rx PORT [COALESCE_US [name] [stamp]]\n");
		return 2;
	}
	long coalesce_us = argc >= 3 ? atol(argv[2]) : 0;
	for (int i = 3; i < argc; i++) {
		want_name |= strcmp(argv[i], "name") == 0;
		want_stamp |= strcmp(argv[i], "stamp") == 0;
	}
	sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: recvmmsg returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (want_stamp) {
		int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
		setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags));
	}
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("baseline_rx: bind");
		return 1;
	}
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = SLOT};
		msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	rearm(msgs, want_name, want_stamp);
	while (!stop) {
		int r = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
		if (r > 0) {
			n += (unsigned)r;
			if (want_name || want_stamp) {
				rearm(msgs, want_name, want_stamp);
			}
		}
		if (r > 0 && r < BATCH && coalesce_us) {
			struct timespec ts = {0, coalesce_us * 1000};
			nanosleep(&ts, NULL);
		}
	}
	/* What is already queued counts, as tscap drains it too. */
	int r;
	while ((r = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL)) > 0) {
		n += (unsigned)r;
	}
	printf("%llu received\n", n);
	return 0;
}
