/*
 * CPU benchmark for ast2500emu: a deterministic, integer-only mix of
 * table-driven CRC32, heapsort over pseudo-random ints, string loops
 * (strlen/memcpy/strcmp style) and integer multiply/divide (the divides go
 * through libgcc's __aeabi_uidiv/__aeabi_idiv, as ARMv6 has no divide
 * instruction). Prints "checksum 0x........" and exits 0.
 *
 * Built twice from this file by build.sh: bare-metal for the CPU test
 * harness board (bench_start.S, console/exit through the test device at
 * 0x10000000) and as a static Linux armel executable for
 * `qemu-arm -cpu arm1176`, so that both run the same instructions.
 */
#ifndef ROUNDS
#define ROUNDS 24
#endif

typedef unsigned int u32;

#ifdef BAREMETAL
#define TESTDEV 0x10000000
static void out(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		*(volatile u32 *)TESTDEV = (unsigned char)s[i];
}
void bench_exit(int code)
{
	*(volatile u32 *)(TESTDEV + 4) = code;
	for (;;) ;
}
int raise(int sig) { (void)sig; bench_exit(4); return 0; }	/* libgcc divide by zero */
#else
#include <unistd.h>
static void out(const char *s, int n) { write(1, s, n); }
#endif

static u32 rng = 2463534242u;
static u32 xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* ---- CRC32 (IEEE, reflected), table driven ---- */
static u32 crctab[256];
static void crc_init(void)
{
	for (u32 i = 0; i < 256; i++) {
		u32 c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crctab[i] = c;
	}
}
static u32 crc32(const unsigned char *p, int n, u32 crc)
{
	crc = ~crc;
	while (n--)
		crc = crctab[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- heapsort ---- */
#define NSORT 16384
static int arr[NSORT];
static void sift(int *a, int start, int end)
{
	int root = start;
	while (2 * root + 1 <= end) {
		int child = 2 * root + 1, sw = root;
		if (a[sw] < a[child])
			sw = child;
		if (child + 1 <= end && a[sw] < a[child + 1])
			sw = child + 1;
		if (sw == root)
			return;
		int t = a[root]; a[root] = a[sw]; a[sw] = t;
		root = sw;
	}
}
static void heapsort(int *a, int n)
{
	for (int s = (n - 2) / 2; s >= 0; s--)
		sift(a, s, n - 1);
	for (int end = n - 1; end > 0; end--) {
		int t = a[end]; a[end] = a[0]; a[0] = t;
		sift(a, 0, end - 1);
	}
}

/* ---- string loops ---- */
#define NSTR 256
#define STRMAX 64
static char strs[NSTR][STRMAX];
static char buf[NSTR * STRMAX];
static int my_strlen(const char *s) { const char *p = s; while (*p) p++; return p - s; }
static void my_memcpy(char *d, const char *s, int n) { while (n--) *d++ = *s++; }
static int my_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) { a++; b++; }
	return (unsigned char)*a - (unsigned char)*b;
}

/* ---- arithmetic ---- */
static u32 arith(int n)
{
	u32 acc = 1;
	for (int i = 1; i <= n; i++) {
		u32 x = xorshift();
		u32 d = (x & 0xffff) + 3;
		acc += x / d;
		acc ^= (u32)((int)x / -(int)(d | 1));
		acc = acc * 2654435761u + (x % 1000);
		unsigned long long w = (unsigned long long)acc * x;
		acc += (u32)(w >> 32);
	}
	return acc;
}

static void puthex(u32 v)
{
	char s[11] = "0x";
	for (int i = 0; i < 8; i++)
		s[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
	s[10] = '\n';
	out(s, 11);
}

int main(void)
{
	u32 sum = 0;
	crc_init();
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < NSORT; i++)
			arr[i] = (int)xorshift();
		heapsort(arr, NSORT);
		for (int i = 1; i < NSORT; i++)
			if (arr[i - 1] > arr[i])
				sum += 0x1000000;	/* never: sort is broken */
		sum = crc32((const unsigned char *)arr, sizeof arr, sum);

		for (int i = 0; i < NSTR; i++) {
			int len = 8 + xorshift() % (STRMAX - 9);
			for (int k = 0; k < len; k++)
				strs[i][k] = 'a' + xorshift() % 26;
			strs[i][len] = 0;
		}
		for (int rep = 0; rep < 8; rep++) {
			int pos = 0;
			for (int i = 0; i < NSTR; i++) {
				int l = my_strlen(strs[i]);
				my_memcpy(buf + pos, strs[i], l + 1);
				pos += l;
				sum += my_strcmp(strs[i], strs[(i + rep + 1) % NSTR]) & 0xff;
			}
			sum = crc32((const unsigned char *)buf, pos, sum);
		}
		sum ^= arith(20000);
	}
	out("checksum ", 9);
	puthex(sum);
	return 0;
}
