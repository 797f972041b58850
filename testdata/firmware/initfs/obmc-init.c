/*
 * obmc-init.c: the initramfs /init of the test flash image, a tiny stand-in
 * for OpenBMC's initfs "init" script (meta-phosphor
 * recipes-phosphor/initrdscripts/files/obmc-init.sh), small enough for the
 * FIT in the 0x440000-byte kernel partition. Built against the kernel's
 * nolibc (tools/include/nolibc in Linux 6.1), no C library.
 *
 * It mounts proc, sysfs and devtmpfs; finds the "rofs" and "rwfs" MTD
 * partitions in /proc/mtd (the fixed-partitions of the FMC flash from
 * openbmc-flash-layout.dtsi are children of the whole-chip "bmc" device,
 * so their numbers are looked up by name, not assumed); mounts the rofs
 * squashfs read-only and the rwfs jffs2 read-write; builds an overlayfs
 * (lower = rofs, upper/work = directories on rwfs) as the new root; moves
 * the rofs, rwfs, /dev, /proc and /sys mounts into it (/run/initramfs/ro,
 * /run/initramfs/rw, ...), then switches root the way busybox switch_root
 * does (chdir, mount --move . /, chroot .) and execs /sbin/init.
 */
#define MS_RDONLY	1
#define MS_MOVE		8192
#define MS_SILENT	32768

static void say(const char *a, const char *b)
{
	write(1, "obmc-init: ", 11);
	write(1, a, strlen(a));
	if (b)
		write(1, b, strlen(b));
	write(1, "\n", 1);
}

static void fail(const char *what, const char *arg) __attribute__((noreturn));
static void fail(const char *what, const char *arg)
{
	say("FAILED: ", what);
	if (arg)
		say("  ", arg);
	say("cannot continue; halting", NULL);
	for (;;)
		sleep(3600);
}

static void do_mount(const char *src, const char *dst, const char *type,
		     unsigned long flags, const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		fail("mount", dst);
}

/* Returns N of the /proc/mtd line whose name is "label", or -1. */
static int mtd_number(const char *table, const char *label)
{
	char quoted[40];
	int ql = 0;

	quoted[ql++] = '"';
	for (const char *p = label; *p && ql < 37; p++)
		quoted[ql++] = *p;
	quoted[ql++] = '"';
	quoted[ql] = 0;
	for (const char *line = table; *line;) {
		const char *end = line;
		while (*end && *end != '\n')
			end++;
		/* "mtdN: size erasesize \"name\"" */
		if (!strncmp(line, "mtd", 3) && end - line > ql &&
		    !strncmp(end - ql, quoted, ql)) {
			int n = 0;
			for (const char *p = line + 3; *p >= '0' && *p <= '9'; p++)
				n = n * 10 + (*p - '0');
			return n;
		}
		line = *end ? end + 1 : end;
	}
	return -1;
}

static void mtdblock(char *buf, int n)
{
	char num[12];
	int i = sizeof(num) - 1;

	num[i] = 0;
	do {
		num[--i] = '0' + n % 10;
		n /= 10;
	} while (n);
	strcpy(buf, "/dev/mtdblock");
	strcpy(buf + 13, num + i);
}

int main(void)
{
	static char table[4096];
	char rodev[32], rwdev[32];

	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	do_mount("proc", "/proc", "proc", 0, NULL);
	do_mount("sysfs", "/sys", "sysfs", 0, NULL);
	do_mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	say("mounted /proc, /sys, /dev", NULL);

	int fd = open("/proc/mtd", O_RDONLY);
	if (fd < 0)
		fail("open /proc/mtd", NULL);
	int len = 0, r;
	while (len < (int)sizeof(table) - 1 &&
	       (r = read(fd, table + len, sizeof(table) - 1 - len)) > 0)
		len += r;
	close(fd);
	table[len] = 0;
	write(1, table, len);
	int ro = mtd_number(table, "rofs"), rw = mtd_number(table, "rwfs");
	if (ro < 0 || rw < 0)
		fail("no \"rofs\"/\"rwfs\" partition in /proc/mtd", NULL);
	mtdblock(rodev, ro);
	mtdblock(rwdev, rw);

	mkdir("/run", 0755);
	do_mount("tmpfs", "/run", "tmpfs", 0, "mode=0755");
	mkdir("/run/initramfs", 0755);
	mkdir("/run/initramfs/ro", 0755);
	mkdir("/run/initramfs/rw", 0755);
	mkdir("/newroot", 0755);

	do_mount(rodev, "/run/initramfs/ro", "squashfs", MS_RDONLY, NULL);
	say("mounted rofs (squashfs) from ", rodev);
	do_mount(rwdev, "/run/initramfs/rw", "jffs2", 0, NULL);
	say("mounted rwfs (jffs2) from ", rwdev);
	mkdir("/run/initramfs/rw/cow", 0755);
	mkdir("/run/initramfs/rw/work", 0755);
	do_mount("overlay", "/newroot", "overlay", 0,
		 "lowerdir=/run/initramfs/ro,upperdir=/run/initramfs/rw/cow,"
		 "workdir=/run/initramfs/rw/work");
	say("overlay root: lower rofs, upper rwfs/cow", NULL);

	/* /run (holding the rofs and rwfs mounts), /dev, /proc and /sys
	 * move into the new root. */
	do_mount("/run", "/newroot/run", NULL, MS_MOVE, NULL);
	do_mount("/dev", "/newroot/dev", NULL, MS_MOVE, NULL);
	do_mount("/proc", "/newroot/proc", NULL, MS_MOVE, NULL);
	do_mount("/sys", "/newroot/sys", NULL, MS_MOVE, NULL);

	say("switching root to the overlay, exec /sbin/init", NULL);
	if (chdir("/newroot") < 0)
		fail("chdir /newroot", NULL);
	do_mount(".", "/", NULL, MS_MOVE, NULL);
	if (chroot(".") < 0)
		fail("chroot", NULL);
	chdir("/");
	static char *const argv[] = {"/sbin/init", NULL};
	static char *const envp[] = {"HOME=/", "TERM=linux", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL};
	execve("/sbin/init", argv, envp);
	fail("exec /sbin/init", NULL);
}
