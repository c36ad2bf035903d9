#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "internal.h"
#include "runtime/stub/proto.h"

/* The stub writes this header itself (runtime/stub/stub.c). */
struct sync_hdr { int type; int code; size_t len; };
_Static_assert(sizeof(struct sync_hdr) == sizeof(struct rt_stub_frame), "sync frame layout");

int rt_sync_send(int fd, int type, int code, const void *payload, size_t len)
{
	struct sync_hdr hdr = { type, code, len };
	struct iovec iov[2] = {
		{ &hdr, sizeof(hdr) },
		{ (void *)payload, len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t n;

	/* The receiver keeps one byte of its buffer for a NUL. */
	if (len >= RT_SYNC_PAYLOAD_MAX)
		return -EMSGSIZE;
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

int rt_sync_send_err(int fd, const struct b_err *e)
{
	return rt_sync_send(fd, RT_SYNC_ERROR, e->code, e->msg, strlen(e->msg) + 1);
}

int rt_sync_recv(int fd, struct rt_sync_msg *m)
{
	struct sync_hdr hdr;
	struct iovec iov[2] = {
		{ &hdr, sizeof(hdr) },
		{ m->payload, sizeof(m->payload) - 1 },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -EPIPE;
	if ((size_t)n < sizeof(hdr) || hdr.len != (size_t)n - sizeof(hdr))
		return -EPROTO;
	m->type = hdr.type;
	m->code = hdr.code;
	m->len = hdr.len;
	m->payload[m->len] = '\0';
	return 0;
}

const char *rt_sync_type_name(int type)
{
	switch ((enum rt_sync_type)type) {
	case RT_SYNC_GO: return "GO";
	case RT_SYNC_PID: return "PID";
	case RT_SYNC_HOOKS: return "HOOKS";
	case RT_SYNC_HOOKS_DONE: return "HOOKS_DONE";
	case RT_SYNC_READY: return "READY";
	case RT_SYNC_ERROR: return "ERROR";
	case RT_SYNC_LOG: return "LOG";
	case RT_SYNC_EXEC_ERROR: return "EXEC_ERROR";
	}
	return "?";
}

/* Trace lines are not part of the protocol: they may come before any
 * message, and are passed on (or dropped) until the real one arrives. */
int rt_sync_expect_log(const struct rt_ctx *log, int fd, int type, struct rt_sync_msg *m,
		       struct b_err *err)
{
	int r;

	while ((r = rt_sync_recv(fd, m)) == 0 && m->type == RT_SYNC_LOG)
		if (m->code >= RT_LOG_ERROR && m->code <= RT_LOG_DEBUG)
			rt_logf(log, (enum rt_log_level)m->code, "%s", m->payload);
	if (r == -EPIPE)
		return b_err_set(err, EPIPE, "container init exited during setup");
	if (r < 0)
		return b_err_sys(err, -r, "reading from container init");
	rt_logf(log, RT_LOG_DEBUG, "sync: received %s from the init (waiting for %s)",
		rt_sync_type_name(m->type), rt_sync_type_name(type));
	if (m->type == RT_SYNC_ERROR || m->type == RT_SYNC_EXEC_ERROR)
		return rt_sync_error_of(m, err);
	if (m->type != type)
		return b_err_set(err, EPROTO, "container init: unexpected message %d (wanted %d)", m->type, type);
	return 0;
}

int rt_sync_expect(int fd, int type, struct rt_sync_msg *m, struct b_err *err)
{
	return rt_sync_expect_log(NULL, fd, type, m, err);
}

int rt_sync_error_of(const struct rt_sync_msg *m, struct b_err *err)
{
	if (m->type == RT_SYNC_ERROR)
		return b_err_set(err, m->code, "%s", m->payload);
	if (m->type == RT_SYNC_EXEC_ERROR)
		return b_err_sys(err, m->code, "%s", m->payload);
	return b_err_set(err, EPROTO, "unexpected message %s", rt_sync_type_name(m->type));
}

bool rt_sync_exec_error_frame(const void *buf, size_t len, struct b_err *err)
{
	struct sync_hdr h;
	const char *text = (const char *)buf + sizeof(h);

	if (len <= sizeof(h))
		return false;
	memcpy(&h, buf, sizeof(h));
	if (h.type != RT_SYNC_EXEC_ERROR || h.len == 0 || h.len > len - sizeof(h) ||
	    memchr(text, '\0', h.len) != text + h.len - 1)
		return false;
	b_err_sys(err, h.code, "%s", text);
	return true;
}
