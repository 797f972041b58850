/* fw.h: shared declarations of the boot program. */
#ifndef FW_H
#define FW_H
#include <stdint.h>

static inline uint32_t readl(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void writel(uint32_t val, uint32_t addr)
{
	*(volatile uint32_t *)addr = val;
}

void uart_init(void);
void puts_(const char *s);
void printf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void boot_linux(uint32_t entry, uint32_t dtb) __attribute__((noreturn));
#endif
