/* The do-nothing baseline receiver: one UDP socket, blocking recvmmsg in
 * batches of 64, no stamps, nothing done with the data. What the kernel's
 * receive costs on its own, to hold every tscap rx path against in the
 * same run. With COALESCE_US it batches as tscap capture does: after a
 * batch that emptied the socket it sleeps that long before reading again,
 * so the comparison is of the work per packet, not of wake-ups. With
 * "name" it also takes each datagram's source address and with "stamp"
 * the kernel's software receive stamp (SO_TIMESTAMPING), with "ovfl" the
 * socket's drop counter on every datagram (SO_RXQ_OVFL), still doing
 * nothing with them: what the kernel charges for the information tscap
 * asks for, apart from anything tscap does.
 *
 * With "wire" it is the same for frames: an AF_PACKET socket on lo that
 * keeps only incoming IPv4 UDP frames to PORT (a hand-written classic BPF
 * filter, PACKET_IGNORE_OUTGOING), as `tscap capture wire:lo -f 'udp port
 * PORT' --direction in` receives them; "name" is then the sockaddr_ll and
 * "aux" adds PACKET_AUXDATA. Prints the number received when stopped. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <net/if.h>
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
static struct sockaddr_storage names[BATCH];
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

/* An AF_PACKET socket on lo keeping incoming IPv4 UDP frames to port:
 * filter attached before bind, so nothing else is ever queued. */
static int open_wire(uint16_t port)
{
	struct sock_filter code[] = {
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), /* EtherType */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
	    BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 23), /* IP protocol */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
	    BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20), /* not a later fragment */
	    BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
	    BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14), /* X = IP header length */
	    BPF_STMT(BPF_LD | BPF_H | BPF_IND, 16),  /* UDP destination port */
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, 0x40000),
	    BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = {.len = sizeof(code) / sizeof(code[0]), .filter = code};
	struct sockaddr_ll ll = {.sll_family = AF_PACKET,
	                         .sll_protocol = htons(ETH_P_ALL),
	                         .sll_ifindex = (int)if_nametoindex("lo")};
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW, 0); /* protocol 0: nothing until bound */

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&ll, sizeof(ll)) < 0) {
		perror("baseline_rx: AF_PACKET on lo");
		return -1;
	}
	return fd;
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

	int want_name = 0, want_stamp = 0, want_ovfl = 0, want_aux = 0, wire = 0, one = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: baseline_rx PORT [COALESCE_US [wire] [name] [stamp] [ovfl] "
		                "[aux]]\n");
		return 2;
	}
	long coalesce_us = argc >= 3 ? atol(argv[2]) : 0;
	for (int i = 3; i < argc; i++) {
		want_name |= strcmp(argv[i], "name") == 0;
		want_stamp |= strcmp(argv[i], "stamp") == 0;
		want_ovfl |= strcmp(argv[i], "ovfl") == 0;
		want_aux |= strcmp(argv[i], "aux") == 0;
		wire |= strcmp(argv[i], "wire") == 0;
	}
	sigaction(SIGINT, &sa, NULL); /* no SA_RESTART: recvmmsg returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	uint16_t port = (uint16_t)atoi(argv[1]);
	int fd = wire ? open_wire(port) : socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	if (want_stamp) {
		int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
		setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags));
	}
	if (want_ovfl) {
		setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
	}
	if (want_aux) {
		setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one));
	}
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!wire && bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("baseline_rx: bind");
		return 1;
	}
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){.iov_base = bufs[i], .iov_len = SLOT};
		msgs[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	want_stamp |= want_ovfl | want_aux; /* any control message needs the buffer */
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
