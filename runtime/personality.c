/* linux.personality (personality.h). */
#include "personality.h"

#include <errno.h>
#include <sys/personality.h>

int rt_personality_apply(const struct oci_personality *p, struct b_err *err)
{
	/* personality(0xffffffff) is the query form; never pass it. */
	if (p->domain == 0xffffffffUL)
		return b_err_set(err, EINVAL, "personality: invalid domain %#lx", p->domain);
	if (personality(p->domain) == -1)
		return b_err_sys(err, errno, "personality %#lx", p->domain);
	return 0;
}
