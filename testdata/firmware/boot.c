/*
 * boot.c: a small first-stage boot program for the ASPEED AST2500 (romulus).
 *
 * It does, in order, what OpenBMC's U-Boot does before "bootm":
 *   1. UART5 console at 115200 (lib.c) and a banner;
 *   2. SCU unlock (0x1E6E2000 <- 0x1688A8A8) and the hardware strap (SCU70)
 *      and silicon revision (SCU7C);
 *   3. SDRAM controller (SDMC, 0x1E6E0000) bring-up through its registers:
 *      protection key MCR00 <- 0xFC600309 (poll until it reads non-zero),
 *      MCR04 configuration (DDR4, 1 GiB capacity while sizing), power
 *      control MCR34, DDR PHY initialisation (MCR60 bit 0, poll until it
 *      self-clears), the controller's built-in DRAM test (MCR74 length,
 *      MCR70 start, poll bit 12 done, check bit 13 fail), size detection by
 *      address aliasing at base + 1 MiB + size/2 as ASPEED's SDK does, the
 *      found capacity into MCR04[1:0], cache initialisation (MCR04 bit 12,
 *      poll bit 19) and cache enable (bit 10), then lock (MCR00 <- ~key);
 *      then a write/read check of DRAM;
 *   4. watchdog 2 (0x1E785020) armed with a long timeout, so Linux's
 *      aspeed_wdt finds it enabled (WDT_CTRL bit 0) and keeps it serviced;
 *   5. the U-Boot environment at flash 0x60000 (CRC32, then "bootargs" and
 *      the "bootm <addr>" of "bootcmd");
 *   6. the FIT image at that address, parsed with libfdt: the default
 *      configuration's kernel, fdt and ramdisk images;
 *   7. copies of the kernel to its load address and of the ramdisk and dtb
 *      to the top of DRAM below the lowest /reserved-memory region; the dtb
 *      is fixed up: /chosen bootargs, linux,initrd-start/-end, /memory reg;
 *   8. "Starting kernel ..." and the jump with r0=0, r1=~0, r2=dtb.
 *
 * Sources: U-Boot drivers/ram/aspeed/sdram_ast2500.c and
 * arch/arm/include/asm/arch-aspeed/{sdram,scu,wdt}_ast2500.h (register
 * layout and bring-up order); QEMU hw/misc/aspeed_sdmc.c and
 * hw/misc/aspeed_scu.c (what an emulated controller reports); Linux
 * drivers/edac/aspeed_edac.c (MCR04 bits), drivers/watchdog/aspeed_wdt.c
 * (WDT registers, "running at probe"), drivers/clk/clk-aspeed.c (SCU70
 * clock-input strap), Documentation/arm/booting.rst (entry state);
 * U-Boot doc/uImage.FIT/source_file_format.txt (FIT structure) and
 * env/common.c (environment: CRC32 then NUL-separated name=value pairs).
 */
#include <stdint.h>
#include <string.h>
#include "fw.h"
#include "libfdt.h"

#define SCU		0x1E6E2000
#define SCU_KEY		0x1688A8A8
#define SCU_STRAP	(SCU + 0x70)
#define SCU_REV		(SCU + 0x7C)

#define SDMC		0x1E6E0000
#define SDMC_KEY	0xFC600309
#define MCR_PROT	(SDMC + 0x00)
#define MCR_CONF	(SDMC + 0x04)
#define MCR_REFRESH	(SDMC + 0x0C)
#define MCR_POWER	(SDMC + 0x34)
#define MCR_PHY0	(SDMC + 0x60)
#define MCR_TEST	(SDMC + 0x70)
#define MCR_TESTLEN	(SDMC + 0x74)
#define MCR_TESTPAT	(SDMC + 0x7C)
#define CONF_DDR4		(1u << 4)
#define CONF_CACHE_EN		(1u << 10)
#define CONF_CACHE_INIT		(1u << 12)
#define CONF_CACHE_INIT_DONE	(1u << 19)
#define PHY0_INIT		(1u << 0)
#define TEST_START		(1u << 0)
#define TEST_DONE		(1u << 12)
#define TEST_FAIL		(1u << 13)

#define WDT2		0x1E785020
#define WDT_RELOAD	0x04
#define WDT_RESTART	0x08
#define WDT_CTRL	0x0C
#define WDT_MAGIC	0x4755
#define WDT_EN		(1u << 0)
#define WDT_RESET	(1u << 1)
#define WDT_1MHZ	(1u << 4)
#define WDT2_SECONDS	300	/* OpenBMC's U-Boot uses minutes, too */

#define DRAM_BASE	0x80000000u
#define FLASH_BASE	0x20000000u
#define ENV_OFFSET	0x60000u
#define ENV_SIZE	0x20000u
#define FDT_ROOM	0x4000u

static void halt(const char *why) __attribute__((noreturn));
static void halt(const char *why)
{
	printf_("\nERROR: %s\nboot halted.\n", why);
	for (;;)
		;
}

void exception(uint32_t n, uint32_t lr) __attribute__((noreturn));
void exception(uint32_t n, uint32_t lr)
{
	static const char *const names[] = {"reset", "undefined instruction",
		"swi", "prefetch abort", "data abort", "reserved", "irq", "fiq"};
	printf_("\nexception: %s (lr 0x%08x)\n", names[n & 7], lr);
	halt("unexpected exception");
}

/* Poll until (reg & mask) == want; 0 on success, -1 after a long time. */
static int poll(uint32_t reg, uint32_t mask, uint32_t want)
{
	for (uint32_t i = 0; i < 10000000; i++)
		if ((readl(reg) & mask) == want)
			return 0;
	return -1;
}

/* ---------------------------------------------------------------- SCU */

static void scu_init(void)
{
	writel(SCU_KEY, SCU);
	if (readl(SCU) != 1)
		printf_("SCU:   warning: protection key not accepted\n");
	uint32_t strap = readl(SCU_STRAP);
	printf_("SoC:   AST2500 rev 0x%08x, strap SCU70 0x%08x\n",
		readl(SCU_REV), strap);
	printf_("       CLKIN %s MHz, AHB divider %u, VGA memory %u MiB\n",
		strap & (1u << 23) ? "25" : "24", ((strap >> 9) & 7) + 1,
		8u << ((strap >> 2) & 3));
}

/* ---------------------------------------------------------------- SDMC */

static uint32_t sdram_size_probe(void)
{
	/* Write a rotated pattern at base + 1 MiB + size/2 for 1 GiB down to
	 * 256 MiB, then at base + 1 MiB: with less DRAM the higher addresses
	 * alias lower ones and their values are overwritten. The largest size
	 * whose pattern survived is the capacity. */
	const uint32_t base = DRAM_BASE + 0x100000;
	uint32_t pat = 0xdeadbeef, size;

	for (size = 1u << 30; size > 128u << 20; size >>= 1) {
		writel(pat, base + size / 2);
		pat = pat >> 4 | pat << 28;
	}
	writel(pat, base);
	pat = 0xdeadbeef;
	for (size = 1u << 30; size > 128u << 20; size >>= 1) {
		if (readl(base + size / 2) == pat)
			break;
		pat = pat >> 4 | pat << 28;
	}
	return size;
}

static uint32_t sdram_init(void)
{
	writel(SDMC_KEY, MCR_PROT);
	if (poll(MCR_PROT, ~0u, 1) && !readl(MCR_PROT))
		halt("SDMC: MCR00 protection key not accepted");
	printf_("DRAM:  SDMC unlocked, MCR04 0x%08x at reset\n", readl(MCR_CONF));

	/* DDR4, capacity field at its maximum (1 GiB) while sizing. */
	writel(CONF_DDR4 | 3, MCR_CONF);
	writel(0x000000a3, MCR_POWER);	/* CKE on, ODT, reset# released */
	writel(PHY0_INIT, MCR_PHY0);
	if (poll(MCR_PHY0, PHY0_INIT, 0))
		halt("SDMC: DDR PHY init (MCR60 bit 0) never completed");
	printf_("DRAM:  DDR PHY initialised (MCR60 0x%08x, PHY status 0x%08x)\n",
		readl(MCR_PHY0), readl(SDMC + 0x400));

	/* Built-in read/write test over the first 64 KiB. */
	writel(0xff00ff00, MCR_TESTPAT);
	writel(0xfff << 4, MCR_TESTLEN);
	writel(TEST_START | (1u << 3) | (1u << 5), MCR_TEST);
	if (poll(MCR_TEST, TEST_DONE, TEST_DONE))
		halt("SDMC: DRAM test (MCR70) never finished");
	if (readl(MCR_TEST) & TEST_FAIL)
		halt("SDMC: DRAM test failed (MCR70 bit 13)");
	writel(0, MCR_TEST);
	printf_("DRAM:  controller self-test passed\n");

	uint32_t size = sdram_size_probe();
	uint32_t cap = 0;
	while ((128u << 20 << cap) < size)
		cap++;
	writel((readl(MCR_CONF) & ~3u) | cap, MCR_CONF);
	uint32_t conf = readl(MCR_CONF);
	if ((conf & 3) != cap)
		printf_("DRAM:  warning: probed %u MiB but MCR04 reports %u MiB\n",
			size >> 20, 128u << (conf & 3));

	writel(readl(MCR_CONF) | CONF_CACHE_INIT, MCR_CONF);
	if (poll(MCR_CONF, CONF_CACHE_INIT_DONE, CONF_CACHE_INIT_DONE))
		halt("SDMC: cache init (MCR04 bit 19) never completed");
	writel(readl(MCR_CONF) | CONF_CACHE_EN, MCR_CONF);
	writel(~SDMC_KEY, MCR_PROT);
	printf_("DRAM:  MCR04 0x%08x, SDMC locked\n", readl(MCR_CONF));
	return size;
}

static void dram_check(uint32_t size)
{
	/* A quick address/data test: one word in every 1 MiB, both ends. */
	uint32_t step = 1u << 20, n = size / step;

	for (uint32_t i = 0; i < n; i++)
		writel(i * 0x01010101u ^ 0xa5a5a5a5u, DRAM_BASE + i * step + (i & 0xffc));
	for (uint32_t i = 0; i < n; i++)
		if (readl(DRAM_BASE + i * step + (i & 0xffc)) != (i * 0x01010101u ^ 0xa5a5a5a5u)) {
			printf_("DRAM:  mismatch at 0x%08x\n", DRAM_BASE + i * step + (i & 0xffc));
			halt("DRAM test failed");
		}
	printf_("DRAM:  %u MiB at 0x%08x, test passed\n", size >> 20, DRAM_BASE);
}

/* ---------------------------------------------------------------- WDT2 */

static void wdt2_arm(void)
{
	writel(0, WDT2 + WDT_CTRL);
	writel(WDT2_SECONDS * 1000000u, WDT2 + WDT_RELOAD);
	writel(WDT_MAGIC, WDT2 + WDT_RESTART);
	writel(WDT_1MHZ | WDT_RESET | WDT_EN, WDT2 + WDT_CTRL);
	printf_("WDT:   watchdog 2 armed, %u s, SoC reset\n", WDT2_SECONDS);
}

/* ---------------------------------------------------------------- env */

static uint32_t crc32(const uint8_t *p, uint32_t n)
{
	uint32_t c = ~0u;

	while (n--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c >> 1 ^ (0xedb88320u & -(c & 1));
	}
	return ~c;
}

/* Looks up name in the environment data (NUL-separated name=value). */
static const char *env_get(const char *env, uint32_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *p = env, *end = env + len;

	while (p < end && *p) {
		size_t l = strnlen(p, end - p);
		if (l > nl && !memcmp(p, name, nl) && p[nl] == '=')
			return p + nl + 1;
		p += l + 1;
	}
	return NULL;
}

static uint32_t parse_hex(const char *s)
{
	uint32_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (;; s++) {
		uint32_t d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return v;
		v = v << 4 | d;
	}
}

/* ---------------------------------------------------------------- FIT */

struct blob {
	const char *name;
	const void *data;
	int len;
	uint32_t load, entry;
};

static uint32_t prop_u32(const void *fit, int node, const char *name, uint32_t def)
{
	int len;
	const fdt32_t *p = fdt_getprop(fit, node, name, &len);

	return p && len >= 4 ? fdt32_to_cpu(*p) : def;
}

/* Finds the image the configuration names under property kind. */
static int fit_image(const void *fit, int conf, const char *kind, struct blob *b, int required)
{
	const char *name = fdt_getprop(fit, conf, kind, NULL);

	memset(b, 0, sizeof(*b));
	if (!name) {
		if (required) {
			printf_("FIT:   configuration has no %s\n", kind);
			halt("bad FIT");
		}
		return 0;
	}
	int images = fdt_path_offset(fit, "/images");
	int node = images < 0 ? images : fdt_subnode_offset(fit, images, name);
	if (node < 0) {
		printf_("FIT:   image '%s' (%s) not found: %s\n", name, kind, fdt_strerror(node));
		halt("bad FIT");
	}
	b->name = name;
	b->data = fdt_getprop(fit, node, "data", &b->len);
	if (!b->data) {
		/* External data: data-offset from the end of the tree (rounded
		 * to 4 bytes), or data-position from the start of the FIT. */
		uint32_t size = prop_u32(fit, node, "data-size", 0);
		uint32_t off = prop_u32(fit, node, "data-offset", ~0u);
		uint32_t pos = prop_u32(fit, node, "data-position", ~0u);
		if (off != ~0u)
			b->data = (const char *)fit + ((fdt_totalsize(fit) + 3) & ~3u) + off;
		else if (pos != ~0u)
			b->data = (const char *)fit + pos;
		else {
			printf_("FIT:   image '%s' has no data\n", name);
			halt("bad FIT");
		}
		b->len = size;
	}
	const char *comp = fdt_getprop(fit, node, "compression", NULL);
	if (!strcmp(kind, "kernel") && comp && strcmp(comp, "none")) {
		printf_("FIT:   kernel compression '%s' not supported\n", comp);
		halt("bad FIT");
	}
	b->load = prop_u32(fit, node, "load", 0);
	b->entry = prop_u32(fit, node, "entry", b->load);
	printf_("FIT:   %s '%s': %u bytes", kind, name, (uint32_t)b->len);
	if (b->load)
		printf_(", load 0x%08x entry 0x%08x", b->load, b->entry);
	printf_("\n");
	return 1;
}

/* Lowest /reserved-memory or /memreserve/ base in [DRAM_BASE, top). */
static uint32_t usable_top(const void *fdt, uint32_t top)
{
	uint64_t a, s;

	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++)
		if (!fdt_get_mem_rsv(fdt, i, &a, &s) && a >= DRAM_BASE && a < top)
			top = (uint32_t)a;
	int rm = fdt_path_offset(fdt, "/reserved-memory");
	if (rm >= 0) {
		int n;
		fdt_for_each_subnode(n, fdt, rm) {
			int len;
			const fdt32_t *reg = fdt_getprop(fdt, n, "reg", &len);
			if (reg && len >= 4) {
				uint32_t base = fdt32_to_cpu(reg[0]);
				if (base >= DRAM_BASE && base < top)
					top = base;
			}
		}
	}
	return top;
}

static void fdt_check(int err, const char *what)
{
	if (err < 0) {
		printf_("FDT:   %s: %s\n", what, fdt_strerror(err));
		halt("device tree fix-up failed");
	}
}

int main(void)
{
	uart_init();
	printf_("\n\nast2500emu first-stage boot (testdata/firmware)\n");
	scu_init();
	uint32_t ram = sdram_init();
	dram_check(ram);
	wdt2_arm();

	/* Environment: read straight from the flash window. */
	const uint8_t *envp = (const uint8_t *)(FLASH_BASE + ENV_OFFSET);
	uint32_t want = envp[0] | envp[1] << 8 | envp[2] << 16 | (uint32_t)envp[3] << 24;
	uint32_t got = crc32(envp + 4, ENV_SIZE - 4);
	const char *env = (const char *)envp + 4;
	const char *bootargs = NULL, *bootcmd = NULL;
	if (want != got) {
		printf_("ENV:   bad CRC (stored 0x%08x, computed 0x%08x), using defaults\n", want, got);
	} else {
		bootargs = env_get(env, ENV_SIZE - 4, "bootargs");
		bootcmd = env_get(env, ENV_SIZE - 4, "bootcmd");
		printf_("ENV:   CRC ok (0x%08x)\n", got);
	}
	uint32_t fitaddr = FLASH_BASE + 0x80000;
	if (bootcmd && !strncmp(bootcmd, "bootm ", 6))
		fitaddr = parse_hex(bootcmd + 6);
	printf_("ENV:   bootcmd=%s\n", bootcmd ? bootcmd : "(none)");
	printf_("ENV:   bootargs=%s\n", bootargs ? bootargs : "(none)");

	/* FIT */
	const void *fit = (const void *)fitaddr;
	printf_("FIT:   at 0x%08x\n", fitaddr);
	int err = fdt_check_header(fit);
	if (err) {
		printf_("FIT:   no valid FIT at 0x%08x (magic 0x%08x): %s\n",
			fitaddr, fdt_magic(fit), fdt_strerror(err));
		halt("bad FIT");
	}
	int confs = fdt_path_offset(fit, "/configurations");
	if (confs < 0 || fdt_path_offset(fit, "/images") < 0)
		halt("FIT has no /images or /configurations");
	const char *def = fdt_getprop(fit, confs, "default", NULL);
	int conf = def ? fdt_subnode_offset(fit, confs, def) : fdt_first_subnode(fit, confs);
	if (conf < 0)
		halt("FIT: default configuration not found");
	printf_("FIT:   configuration '%s'\n", fdt_get_name(fit, conf, NULL));
	struct blob kernel, dtb, rd;
	fit_image(fit, conf, "kernel", &kernel, 1);
	fit_image(fit, conf, "fdt", &dtb, 1);
	int have_rd = fit_image(fit, conf, "ramdisk", &rd, 0);
	if (!kernel.load)
		halt("FIT: kernel has no load address");

	/* Placement: dtb and initrd at the top of DRAM, below reserved
	 * memory (the romulus dtb reserves 0x98000000 and up). The FIT's
	 * copy of the dtb is only 4-byte aligned and libfdt wants 8, so it is
	 * first copied to the very top of DRAM (scratch) to read those
	 * regions, then copied again to its final place below them. */
	uint32_t top = DRAM_BASE + ram;
	uint32_t dtbsize = dtb.len + FDT_ROOM;
	uint32_t dtbaddr = (top - dtbsize) & ~0xfffu;
	memcpy((void *)dtbaddr, dtb.data, dtb.len);
	fdt_check(fdt_check_header((void *)dtbaddr), "the FIT's fdt image is not a device tree");
	top = usable_top((void *)dtbaddr, top);
	dtbaddr = (top - dtbsize) & ~0xfffu;
	uint32_t rdstart = 0, rdend = 0;
	if (have_rd) {
		rdstart = (dtbaddr - rd.len) & ~0xfffu;
		rdend = rdstart + rd.len;
	}
	if ((have_rd ? rdstart : dtbaddr) < kernel.load + kernel.len * 5)
		halt("not enough DRAM for kernel, initrd and dtb");

	printf_("Loading kernel to 0x%08x\n", kernel.load);
	memcpy((void *)kernel.load, kernel.data, kernel.len);
	if (have_rd) {
		printf_("Loading ramdisk to 0x%08x-0x%08x\n", rdstart, rdend);
		memcpy((void *)rdstart, rd.data, rd.len);
	}
	printf_("Loading device tree to 0x%08x\n", dtbaddr);
	void *fdt = (void *)dtbaddr;
	memcpy(fdt, dtb.data, dtb.len);
	fdt_check(fdt_check_header(fdt), "the FIT's fdt image is not a device tree");
	fdt_check(fdt_open_into(fdt, fdt, dtbsize), "open");

	int chosen = fdt_path_offset(fdt, "/chosen");
	if (chosen < 0)
		chosen = fdt_add_subnode(fdt, 0, "chosen");
	fdt_check(chosen, "/chosen");
	if (bootargs)
		fdt_check(fdt_setprop_string(fdt, chosen, "bootargs", bootargs), "bootargs");
	if (have_rd) {
		fdt_check(fdt_setprop_u32(fdt, chosen, "linux,initrd-start", rdstart), "initrd-start");
		fdt_check(fdt_setprop_u32(fdt, chosen, "linux,initrd-end", rdend), "initrd-end");
	}
	int mem = fdt_path_offset(fdt, "/memory");
	if (mem < 0) {
		mem = fdt_add_subnode(fdt, 0, "memory");
		fdt_check(mem, "/memory");
		fdt_check(fdt_setprop_string(fdt, mem, "device_type", "memory"), "device_type");
	}
	if (fdt_address_cells(fdt, 0) != 1 || fdt_size_cells(fdt, 0) != 1)
		halt("FDT: root #address-cells/#size-cells are not 1");
	fdt32_t reg[2] = {cpu_to_fdt32(DRAM_BASE), cpu_to_fdt32(ram)};
	fdt_check(fdt_setprop(fdt, mem, "reg", reg, sizeof(reg)), "memory reg");
	fdt_check(fdt_pack(fdt), "pack");
	printf_("FDT:   /chosen and /memory updated (%u bytes)\n", fdt_totalsize(fdt));

	printf_("\nStarting kernel ...\n\n");
	boot_linux(kernel.entry, dtbaddr);
}
