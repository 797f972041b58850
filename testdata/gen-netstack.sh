#!/usr/bin/env bash
# gen-netstack.sh: regenerate docs/netstack/ — the kernel call graphs of the
# socket system calls and the network stack beneath them, recorded live by
# ast2500emu --trace-calls on the bundled guest (Linux 6.1, romulus).
#
#   testdata/gen-netstack.sh [PART...]     (default: all parts)
#
# Parts (each one guest boot; files docs/netstack/PART.*):
#   study  netstudy selftest: TCP server and client over 127.0.0.1, the
#          syscall and transport layers (smoke --deterministic)
#   boot   sock_register from the first instruction: which init call
#          registers each protocol family, in order (smoke --deterministic)
#   tcp    a guest client through the FTGMAC100 and --nic user to a TCP
#          server on the host's 127.0.0.1 (10.0.2.2 in the guest), every
#          layer down and up, with the frames in tcp.pcap
#   udp    a host client through a --hostfwd to "netstudy udpecho" in the
#          guest: recvfrom and sendto through the NIC, with udp.pcap
#   render no guest: render the text formats and SVGs of every part again
#          from the committed JSON (after a change to the renderer)
#
# Each run writes one JSON result; every other format and the pictures are
# rendered from it (calltrace/cmd/callgraph, then Graphviz's dot for the
# SVGs), so all files of a part come from the same run. study and boot are
# deterministic (virtual clock, console input at fixed guest points): their
# files are byte-identical from run to run and change only with the kernel,
# the guest, the emulator or DEPTH. tcp and udp talk to a real peer on the
# host (the NAT's TCP/UDP sockets, paced to wall time), so where interrupts
# land and how often a loop runs varies a little from run to run; the test
# (TestNetstackDocs) checks the functions each part must show.
#
# Needs: go, python3 (the host-side peers, on 127.0.0.1 only, each killed
# after TIMEOUT seconds), dot (Debian: graphviz); tcpdump, if present,
# writes the frames of tcp.pcap and udp.pcap as text (NAME.frames).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=docs/netstack
DEPTH=${DEPTH:-10}
NICDEPTH=${NICDEPTH:-12}
TIMEOUT=${TIMEOUT:-600}
PORT=${PORT:-47017}   # host TCP server (tcp part), on 127.0.0.1
UDPPORT=${UDPPORT:-47018}  # host side of the udp forward, on 127.0.0.1
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
go build -o "$tmp/ast2500emu" ./cmd/ast2500emu
go build -o "$tmp/callgraph" ./calltrace/cmd/callgraph
EMU=$tmp/ast2500emu
CG=$tmp/callgraph
PROMPT='ast2500emu:/# $'

# Functions of the network stack: what the pictures keep (with the calls
# that lead to them).
NET='^(__sys_|__sock_|sock_|sk_|inet|tcp|__tcp|udp|__udp|ip_|__ip|ipv4|neigh|__neigh|arp|dev_|__dev|sch_|__qdisc|ftgmac|napi|__napi|netif|__netif|net_rx|skb_copy_datagram|unix_)'
BOOTFOCUS='^(sock_register|proto_register)$'
# Small roots drawn whole (the driver's TX with its [irq], the interrupt
# handler, the ARP request).
WHOLE=,ftgmac100_hard_start_xmit,ftgmac100_interrupt,arp_solicit,

# The roots drawn as pictures, one SVG each, per part.
SVG_study=__sys_socket,__sys_bind,__sys_listen,__sys_connect,__sys_accept4,ksys_write,ksys_read,close_fd,__fput
SVG_boot=do_one_initcall
SVG_tcp=__sys_connect,ksys_write,ksys_read,__fput,ip_queue_xmit,ip_finish_output2,__dev_queue_xmit,arp_solicit,ftgmac100_hard_start_xmit,ftgmac100_interrupt,ftgmac100_poll,ip_list_rcv,tcp_v4_rcv
SVG_udp=__sys_socket,__sys_bind,__sys_recvfrom,__sys_sendto,__fput,udp_sendmsg,ip_send_skb,ftgmac100_poll,ip_list_rcv,__udp4_lib_rcv

# render NAME: the text formats of $OUT/NAME.json, and one focused SVG per
# root listed in SVG_NAME (NAME-ROOT.svg).
render() {
	local name=$1 focus=$NET roots
	roots=SVG_$name
	roots=${!roots}
	[ "$name" = boot ] && focus=$BOOTFOCUS
	rm -f "$OUT/$name"-*.svg
	for fmt in tree boxes dot; do
		"$CG" -format "$fmt" -o "$OUT/$name.$fmt" "$OUT/$name.json"
	done
	local r
	for r in ${roots//,/ }; do
		local f=$focus
		[[ $WHOLE == *",$r,"* ]] && f=.
		"$CG" -format dot -roots "$r" -focus "$f" "$OUT/$name.json" |
			dot -Tsvg -o "$OUT/$name-$r.svg"
	done
	echo "wrote $OUT/$name.{tree,boxes,dot} and $OUT/$name-*.svg"
}

study() {
	local roots=__sys_socket,__sys_bind,__sys_listen,__sys_connect,__sys_accept4,ksys_write,ksys_read,close_fd,__fput
	"$EMU" smoke --deterministic --nic none --log /dev/null \
		--expect "$PROMPT" --send 'netstudy selftest\n' \
		--expect 'netstudy selftest ok' --expect "$PROMPT" \
		--send 'poweroff\n' --expect 'System halted' \
		--trace-calls "$roots" --vmlinux guest/images/vmlinux \
		--trace-depth "$DEPTH" --trace-format json --trace-out "$OUT/study.json" >/dev/null
	render study
}

boot() {
	# do_one_initcall at depth 2 names each init call and what it calls;
	# the focus keeps the ones that register a family or a protocol.
	"$EMU" smoke --deterministic --nic none --log /dev/null \
		--expect "$PROMPT" --send 'poweroff\n' --expect 'System halted' \
		--trace-calls do_one_initcall,sock_register,proto_register --vmlinux guest/images/vmlinux \
		--trace-depth 2 --trace-format json --trace-out "$tmp/boot-all.json" >/dev/null
	"$CG" -format json -focus "$BOOTFOCUS" -o "$OUT/boot.json" "$tmp/boot-all.json"
	render boot
}

# nicrun NAME ROOTS SMOKE-ARGS...: one paced run over --nic user.
nicrun() {
	local name=$1 roots=$2
	shift 2
	timeout "$TIMEOUT" "$EMU" smoke --nic user --pace on --log /dev/null \
		--pcap "$OUT/$name.pcap" --console-log "$OUT/$name.console" \
		--expect "$PROMPT" \
		--send 'ip link set eth0 up && ip addr add 10.0.2.15/24 dev eth0 && ip route add default via 10.0.2.2\n' \
		--expect "$PROMPT" "$@" \
		--send 'poweroff\n' --expect 'System halted' \
		--trace-calls "$roots" --vmlinux guest/images/vmlinux \
		--trace-depth "$NICDEPTH" --trace-format json --trace-out "$OUT/$name.json" >/dev/null
	# The console log is for reading; drop the prompt's cursor query.
	sed -i 's/\x1b\[6n//g' "$OUT/$name.console"
	# The frames as text, without the NC-SI keep-alives (EtherType 0x88f8).
	if command -v tcpdump >/dev/null; then
		tcpdump -nner "$OUT/$name.pcap" 'not ether proto 0x88f8' 2>/dev/null >"$OUT/$name.frames"
	fi
}

# The layers, top to bottom and back up: each is a root, so it gets its own
# trees and appears as a leaf "(own tree)" in the layer above.
DOWN=ip_queue_xmit,ip_finish_output2,__dev_queue_xmit,ftgmac100_hard_start_xmit,arp_solicit
UP=ftgmac100_interrupt,ftgmac100_poll,ip_list_rcv,ip_rcv,arp_rcv

tcp() {
	# The host's server: accept one connection on 127.0.0.1, read to EOF,
	# close; bounded by TIMEOUT.
	timeout "$TIMEOUT" python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
c, _ = s.accept(); n = 0
while True:
    b = c.recv(65536)
    if not b: break
    n += len(b)
c.close(); print("host server: received", n, "bytes", file=sys.stderr)
' "$PORT" &
	pids+=($!)
	sleep 1
	local roots=__sys_socket,__sys_connect,ksys_write,ksys_read,__fput,tcp_v4_rcv,$DOWN,$UP
	nicrun tcp "$roots" \
		--send "netstudy source 10.0.2.2 $PORT 1000\\n" --expect 'netstudy source: 1000 bytes' --expect "$PROMPT"
	wait "${pids[-1]}"
	render tcp
}

udp() {
	# The host's client waits until the guest says its echo server runs
	# (a one-byte TCP connection from the guest, "netstudy source"), sends
	# one datagram to the forward, waits for the echo, then closes the
	# signalling connection, which lets the guest go on.
	timeout "$TIMEOUT" python3 -c '
import socket, sys
port = int(sys.argv[1])
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port)); l.listen(1)
c, _ = l.accept()
while c.recv(100): pass
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(10)
u.sendto(b"hello from the host\n", ("127.0.0.1", port))
print("host client: echo", u.recvfrom(100)[0], file=sys.stderr)
c.close()
' "$UDPPORT" &
	pids+=($!)
	sleep 1
	local roots=__sys_socket,__sys_bind,__sys_recvfrom,__sys_sendto,__fput,udp_sendmsg,__udp4_lib_rcv,ip_send_skb,$DOWN,$UP
	nicrun udp "$roots" --hostfwd "udp:127.0.0.1:$UDPPORT-:7" \
		--send "netstudy udpecho 7 & sleep 1; netstudy source 10.0.2.2 $UDPPORT 1; kill \$!; echo udp done\\n" \
		--expect '^udp done' --expect "$PROMPT"
	wait "${pids[-1]}"
	render udp
}

parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(study boot tcp udp)
for p in "${parts[@]}"; do
	case $p in
	study | boot | tcp | udp) "$p" ;;
	render) for n in study boot tcp udp; do render "$n"; done ;;
	*) echo "gen-netstack.sh: unknown part $p (want study, boot, tcp, udp, render)" >&2; exit 2 ;;
	esac
done
