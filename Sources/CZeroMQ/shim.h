#ifndef EXECLOG_CZEROMQ_SHIM_H
#define EXECLOG_CZEROMQ_SHIM_H

// libzmq 4.3 from Debian's libzmq3-dev. The draft API is not used.
#include <zmq.h>

// errno lives in thread-local storage behind a macro, which Swift cannot read portably.
#include <errno.h>
static inline int czmq_errno(void) { return zmq_errno(); }

// eventfd, for WakeupSignal: Swift's Glibc module does not import <sys/eventfd.h>.
#include <sys/eventfd.h>

#endif
