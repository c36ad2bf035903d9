/* Signal names <-> numbers ("TERM", "SIGTERM", "15", "RTMIN+2"). */
#pragma once

/* Returns the signal number or -1. */
int b_signal_parse(const char *s);
/* "SIGTERM" etc.; NULL for unknown. */
const char *b_signal_name(int sig);
