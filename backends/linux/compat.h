/* The one place for kernel constants newer than the build host's headers
 * (Debian 12 ships 6.1 headers; the kernel may be far newer). Support for
 * each is decided at run time: setsockopt answers EINVAL if it is unknown. */
#ifndef TSCAP_LINUX_COMPAT_H
#define TSCAP_LINUX_COMPAT_H

#include <linux/net_tstamp.h>
#include <sys/socket.h>

#ifndef SO_TIMESTAMPING_NEW
#define SO_TIMESTAMPING_NEW 65
#endif
#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID 81 /* Linux 6.13 */
#endif
#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL 40
#endif
#ifndef SOF_TIMESTAMPING_OPT_PKTINFO
#define SOF_TIMESTAMPING_OPT_PKTINFO (1 << 13)
#endif
#ifndef SOF_TIMESTAMPING_BIND_PHC
#define SOF_TIMESTAMPING_BIND_PHC (1 << 15)
#endif
#ifndef SO_PASSPIDFD
#define SO_PASSPIDFD 76 /* Linux 6.5 */
#endif
/* Linux 6.3 / 6.11 / 6.13: enum members in newer headers, absent here. */
#define TSC_SOF_OPT_ID_TCP    (1 << 16)
#define TSC_SOF_OPT_RX_FILTER (1 << 17)

#endif
