/*
 * lib.c: the few C library pieces the boot program and libfdt need (string
 * functions, a UART5 console and a small printf).
 *
 * UART5 of the AST2500 (0x1E784000) is a 16550-compatible UART with 32-bit
 * register spacing (Linux drivers/tty/serial/8250, reg-shift 2 in
 * aspeed-g5.dtsi). Its clock is 24 MHz; divisor 13 gives 24e6/(16*13) =
 * 115385 baud, the 115200 setting ASPEED's U-Boot uses.
 */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "fw.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	/* Word copies when both are aligned: the source is often the flash
	 * window, where every access is a bus transaction. */
	if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
		uint32_t *dw = (uint32_t *)d;
		const uint32_t *sw = (const uint32_t *)s;
		for (; n >= 16; n -= 16) {
			dw[0] = sw[0];
			dw[1] = sw[1];
			dw[2] = sw[2];
			dw[3] = sw[3];
			dw += 4;
			sw += 4;
		}
		for (; n >= 4; n -= 4)
			*dw++ = *sw++;
		d = (uint8_t *)dw;
		s = (const uint8_t *)sw;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *p, int c, size_t n)
{
	uint8_t *d = p;

	while (n--)
		*d++ = (uint8_t)c;
	return p;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *p, int c, size_t n)
{
	const uint8_t *s = p;

	for (; n; n--, s++)
		if (*s == (uint8_t)c)
			return (void *)s;
	return NULL;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (uint8_t)*a - (uint8_t)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *r = NULL;

	for (;; s++) {
		if (*s == (char)c)
			r = s;
		if (!*s)
			return (char *)r;
	}
}

/* ------------------------------------------------------------ UART5 */

#define UART5		0x1E784000
#define UART_THR	0x00	/* DLAB=0: transmit holding */
#define UART_DLL	0x00	/* DLAB=1: divisor low */
#define UART_DLM	0x04	/* DLAB=1: divisor high */
#define UART_FCR	0x08
#define UART_LCR	0x0C
#define UART_MCR	0x10
#define UART_LSR	0x14
#define LSR_THRE	0x20
#define LCR_DLAB	0x80
#define LCR_8N1		0x03

void uart_init(void)
{
	writel(LCR_DLAB | LCR_8N1, UART5 + UART_LCR);
	writel(13, UART5 + UART_DLL);
	writel(0, UART5 + UART_DLM);
	writel(LCR_8N1, UART5 + UART_LCR);
	writel(0x07, UART5 + UART_FCR);	/* FIFOs on and cleared */
	writel(0x03, UART5 + UART_MCR);	/* DTR, RTS */
}

static void uart_putc(char c)
{
	int spin = 1000000;

	while (!(readl(UART5 + UART_LSR) & LSR_THRE) && --spin)
		;
	writel((uint8_t)c, UART5 + UART_THR);
}

void puts_(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

/* printf subset: %s %c %d %u %x with an optional zero-padded width and
 * optional 'l' (ignored: long is 32 bits). */
void printf_(const char *fmt, ...)
{
	va_list ap;
	char buf[12];

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			char one[2] = {*fmt, 0};
			puts_(one);
			continue;
		}
		fmt++;
		int pad = 0, width = 0;
		if (*fmt == '0')
			pad = 1, fmt++;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		if (*fmt == 'l')
			fmt++;
		unsigned base = 10;
		uint32_t v;
		int neg = 0;
		switch (*fmt) {
		case 's':
			puts_(va_arg(ap, const char *));
			continue;
		case 'c':
			buf[0] = (char)va_arg(ap, int);
			buf[1] = 0;
			puts_(buf);
			continue;
		case 'd': {
			int32_t x = va_arg(ap, int32_t);
			neg = x < 0;
			v = neg ? -(uint32_t)x : (uint32_t)x;
			break;
		}
		case 'u':
			v = va_arg(ap, uint32_t);
			break;
		case 'x':
			v = va_arg(ap, uint32_t);
			base = 16;
			break;
		case '%':
			puts_("%");
			continue;
		default:
			continue;
		}
		int i = sizeof(buf) - 1;
		buf[i] = 0;
		do {
			buf[--i] = "0123456789abcdef"[v % base];
			v /= base;
		} while (v);
		if (neg)
			buf[--i] = '-';
		while ((int)sizeof(buf) - 1 - i < width && i > 0)
			buf[--i] = pad ? '0' : ' ';
		puts_(buf + i);
	}
	va_end(ap);
}

/* libgcc's division helpers call these on division by zero. */
void __aeabi_idiv0(void)
{
	puts_("\nERROR: division by zero\n");
	for (;;)
		;
}

void __aeabi_ldiv0(void)
{
	__aeabi_idiv0();
}
