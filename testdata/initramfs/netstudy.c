/*
 * netstudy: a tiny socket exerciser for the ast2500emu test guest.
 *
 * Built with arm-linux-gnueabi-gcc -static -O2 into the initramfs as
 * /bin/netstudy. It only uses plain syscalls (socket, bind, listen,
 * accept, connect, read, write, close; sendto/recvfrom for UDP) so that
 * traces of the emulated NIC stay easy to follow.
 *
 *   netstudy server PORT            TCP echo server, one connection at a
 *                                   time, echoes until EOF, loops forever
 *   netstudy client HOST PORT [N]   send N bytes (default 65536) of a fixed
 *                                   pattern, read the echo back, verify it
 *   netstudy udpecho PORT           UDP echo server, loops forever
 *   netstudy sink PORT              accept one TCP connection, copy what it
 *                                   carries to stdout until EOF, exit
 *   netstudy source HOST PORT [N]   connect and send N bytes of the
 *                                   pattern, or stdin to EOF without N
 *   netstudy selftest               server + client over 127.0.0.1
 *
 * The client prints "sent N received N sum 0xXXXXXXXX ok" where sum is a
 * 32-bit FNV-1a over the received bytes; it exits 1 on any mismatch.
 * sink and source print "netstudy sink|source: N bytes in U us" on stderr
 * (CLOCK_MONOTONIC, from accept/connect to EOF); they are the two halves
 * of throughput measurements (testdata/bench-net.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 4096

static unsigned char pattern(unsigned long i)
{
	return (unsigned char)((i * 7u + (i >> 8) * 13u + 0x5a) & 0xff);
}

/* The pattern repeats every 64 KiB: pattern(i + 65536) == pattern(i). */
#define PERIOD 65536

/* Two periods back to back, so that any window of up to PERIOD bytes
 * starting anywhere in the first is contiguous. */
static unsigned char table[2 * PERIOD];

static void fill_table(void)
{
	unsigned long i;

	for (i = 0; i < sizeof(table); i++)
		table[i] = pattern(i);
}

static unsigned int fnv1a(unsigned int h, const unsigned char *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

static int writeall(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int parse_port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == 0 || *end != 0 || v < 0 || v > 65535) {
		fprintf(stderr, "netstudy: bad port %s\n", s);
		exit(2);
	}
	return (int)v;
}

/* listen_on returns a listening TCP socket on addr:port (port 0 = any). */
static int listen_on(unsigned int addr, int port)
{
	struct sockaddr_in sa;
	int one = 1;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0) {
		perror("netstudy: socket");
		exit(1);
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(addr);
	sa.sin_port = htons((unsigned short)port);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netstudy: bind");
		exit(1);
	}
	if (listen(s, 4) < 0) {
		perror("netstudy: listen");
		exit(1);
	}
	return s;
}

/* echo_conn echoes everything read from c until EOF; returns the count. */
static long echo_conn(int c)
{
	unsigned char buf[CHUNK];
	long total = 0;
	for (;;) {
		ssize_t r = read(c, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		if (writeall(c, buf, (size_t)r) < 0)
			break;
		total += r;
	}
	close(c);
	return total;
}

static int serve(int s, int once)
{
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		int c = accept(s, (struct sockaddr *)&peer, &len);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("netstudy: accept");
			return 1;
		}
		long n = echo_conn(c);
		printf("netstudy server: %s:%d echoed %ld bytes\n",
		       inet_ntoa(peer.sin_addr), ntohs(peer.sin_port), n);
		fflush(stdout);
		if (once)
			return 0;
	}
}

/*
 * client sends n bytes in chunks; after each chunk it reads the echo of
 * that chunk back before sending more, so neither side can block on a
 * full socket buffer.
 */
static int client(const char *host, int port, unsigned long n)
{
	struct sockaddr_in sa;
	unsigned char out[CHUNK], in[CHUNK];
	unsigned long sent = 0, got = 0, bad = 0;
	unsigned int sum = 2166136261u, want = 2166136261u;
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_aton(host, &sa.sin_addr) == 0) {
		fprintf(stderr, "netstudy: bad IPv4 address %s\n", host);
		return 2;
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0) {
		perror("netstudy: socket");
		return 1;
	}
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netstudy: connect");
		close(s);
		return 1;
	}
	while (sent < n) {
		size_t k = n - sent < CHUNK ? (size_t)(n - sent) : CHUNK;
		size_t i;
		for (i = 0; i < k; i++)
			out[i] = pattern(sent + i);
		want = fnv1a(want, out, k);
		if (writeall(s, out, k) < 0) {
			perror("netstudy: write");
			break;
		}
		sent += k;
		while (got < sent) {
			size_t m = sent - got < CHUNK ? (size_t)(sent - got) : CHUNK;
			ssize_t r = read(s, in, m);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				fprintf(stderr, "netstudy: short echo\n");
				goto done;
			}
			for (i = 0; i < (size_t)r; i++)
				if (in[i] != pattern(got + i))
					bad++;
			sum = fnv1a(sum, in, (size_t)r);
			got += (unsigned long)r;
		}
	}
done:
	close(s);
	printf("sent %lu received %lu sum 0x%08x %s\n", sent, got, sum,
	       (got == n && sum == want && bad == 0) ? "ok" : "MISMATCH");
	fflush(stdout);
	return (got == n && sum == want && bad == 0) ? 0 : 1;
}

static int udpecho(int port)
{
	struct sockaddr_in sa;
	unsigned char buf[65536];
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0) {
		perror("netstudy: socket");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_ANY);
	sa.sin_port = htons((unsigned short)port);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netstudy: bind");
		return 1;
	}
	for (;;) {
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		ssize_t r = recvfrom(s, buf, sizeof(buf), 0,
				     (struct sockaddr *)&peer, &len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			perror("netstudy: recvfrom");
			return 1;
		}
		sendto(s, buf, (size_t)r, 0, (struct sockaddr *)&peer, len);
	}
}

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int sink(int port)
{
	unsigned char buf[CHUNK * 4];
	long long t0, total = 0;
	int s = listen_on(INADDR_ANY, port), c;
	int quiet = isatty(1);

	do
		c = accept(s, NULL, NULL);
	while (c < 0 && errno == EINTR);
	if (c < 0) {
		perror("netstudy: accept");
		return 1;
	}
	close(s);
	t0 = now_us();
	for (;;) {
		ssize_t r = read(c, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perror("netstudy: read");
			return 1;
		}
		if (r == 0)
			break;
		if (!quiet && writeall(1, buf, (size_t)r) < 0) {
			perror("netstudy: write");
			return 1;
		}
		total += r;
	}
	close(c);
	fprintf(stderr, "netstudy sink: %lld bytes in %lld us\n", total,
		now_us() - t0);
	return 0;
}

static int source(const char *host, int port, long long n)
{
	struct sockaddr_in sa;
	unsigned char buf[CHUNK * 4];
	long long t0, sent = 0;
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	if (inet_aton(host, &sa.sin_addr) == 0) {
		fprintf(stderr, "netstudy: bad IPv4 address %s\n", host);
		return 2;
	}
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("netstudy: connect");
		return 1;
	}
	/* With a byte count, send the pattern straight from the table, in
	 * writes of up to 64 KiB as iperf does, so the guest CPU's time goes
	 * to the network stack and not to making the data. */
	if (n >= 0)
		fill_table();
	t0 = now_us();
	for (;;) {
		const unsigned char *p = buf;
		ssize_t k;
		if (n >= 0) {
			k = n - sent < PERIOD ? (ssize_t)(n - sent) : PERIOD;
			p = table + sent % PERIOD;
		} else {
			k = read(0, buf, sizeof(buf));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0) {
				perror("netstudy: read");
				return 1;
			}
		}
		if (k == 0)
			break;
		if (writeall(s, p, (size_t)k) < 0) {
			perror("netstudy: write");
			return 1;
		}
		sent += k;
	}
	/* Half-close and wait for the peer's EOF: then it has everything. */
	shutdown(s, SHUT_WR);
	while (read(s, buf, sizeof(buf)) > 0)
		;
	close(s);
	fprintf(stderr, "netstudy source: %lld bytes in %lld us\n", sent,
		now_us() - t0);
	return 0;
}

static int selftest(void)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int status, rc;
	pid_t pid;
	int s = listen_on(INADDR_LOOPBACK, 0);

	if (getsockname(s, (struct sockaddr *)&sa, &len) < 0) {
		perror("netstudy: getsockname");
		return 1;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("netstudy: fork");
		return 1;
	}
	if (pid == 0)
		_exit(serve(s, 1));
	close(s);
	rc = client("127.0.0.1", ntohs(sa.sin_port), 200000);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		rc = 1;
	printf("netstudy selftest %s\n", rc == 0 ? "ok" : "FAILED");
	return rc;
}

static void usage(void)
{
	fprintf(stderr, "usage: netstudy server PORT | client HOST PORT [BYTES]"
			" | udpecho PORT | sink PORT | source HOST PORT [BYTES]"
			" | selftest\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "server") == 0 && argc == 3)
		return serve(listen_on(INADDR_ANY, parse_port(argv[2])), 0);
	if (strcmp(argv[1], "client") == 0 && (argc == 4 || argc == 5))
		return client(argv[2], parse_port(argv[3]),
			      argc == 5 ? strtoul(argv[4], NULL, 0) : 65536);
	if (strcmp(argv[1], "udpecho") == 0 && argc == 3)
		return udpecho(parse_port(argv[2]));
	if (strcmp(argv[1], "sink") == 0 && argc == 3)
		return sink(parse_port(argv[2]));
	if (strcmp(argv[1], "source") == 0 && (argc == 4 || argc == 5))
		return source(argv[2], parse_port(argv[3]),
			      argc == 5 ? strtoll(argv[4], NULL, 0) : -1);
	if (strcmp(argv[1], "selftest") == 0 && argc == 2)
		return selftest();
	usage();
	return 2;
}
