/* No exec stub on this architecture: berth falls back to running from a
 * sealed copy of itself (runtime/exe_guard.c). */
#include "runtime/stub/blob.h"

const unsigned char rt_stub_elf[1];
const size_t rt_stub_elf_len = 0;
