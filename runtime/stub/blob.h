/* The exec stub's ELF image, built with berth (runtime/stub/stub.c); an
 * empty one on architectures it does not support (rt_stub_elf_len 0). */
#pragma once

#include <stddef.h>

extern const unsigned char rt_stub_elf[];
extern const size_t rt_stub_elf_len;
