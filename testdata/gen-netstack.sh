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
#   tcp    a guest client through the FTGMAC100 and --nic peer to the
#          peer's TCP discard server on 10.0.2.2 port 9, every layer down
#          and up, with the frames in tcp.pcap (smoke --deterministic)
#   udp    the peer's UDP probe to "netstudy udpecho 7" in the guest:
#          recvfrom and sendto through the NIC, with udp.pcap
#          (smoke --deterministic)
#   render no guest: render the text formats and SVGs of every part again
#          from the committed JSON (after a change to the renderer)
#
# Each run writes one JSON result; every other format and the pictures are
# rendered from it (calltrace/cmd/callgraph, then Graphviz's dot for the
# SVGs), so all files of a part come from the same run. Every part is
# deterministic (smoke --deterministic: virtual clock, console input at
# fixed guest points; tcp and udp talk to network/peer, the in-process
# peer that answers on the virtual clock, not to host sockets): the files
# are byte-identical from run to run and change only with the kernel, the
# guest, the emulator, DEPTH or NICDEPTH. TestNetstackDocs checks the
# functions each part must show, and that the text formats are what the
# JSON renders to.
#
# Needs: go, dot (Debian: graphviz); tcpdump, if present, writes the
# frames of tcp.pcap and udp.pcap as text (NAME.frames).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=docs/netstack
DEPTH=${DEPTH:-10}
NICDEPTH=${NICDEPTH:-12}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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

# nicrun NAME ROOTS SMOKE-ARGS...: one run over the deterministic peer.
nicrun() {
	local name=$1 roots=$2
	shift 2
	"$EMU" smoke --deterministic --nic peer --log /dev/null \
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
	# The peer's discard server (10.0.2.2 port 9) reads to EOF and closes.
	local roots=__sys_socket,__sys_connect,ksys_write,ksys_read,__fput,tcp_v4_rcv,$DOWN,$UP
	nicrun tcp "$roots" \
		--send 'netstudy source 10.0.2.2 9 1000\n' --expect 'netstudy source: 1000 bytes' --expect "$PROMPT"
	render tcp
}

udp() {
	# Once the echo server runs, a one-byte TCP connection to the peer's
	# probe port (40007) makes the peer send one datagram to the guest's
	# port 7; the peer closes that connection when the echo is back, which
	# lets the guest go on.
	local roots=__sys_socket,__sys_bind,__sys_recvfrom,__sys_sendto,__fput,udp_sendmsg,__udp4_lib_rcv,ip_send_skb,$DOWN,$UP
	nicrun udp "$roots" \
		--send 'netstudy udpecho 7 & sleep 1; netstudy source 10.0.2.2 40007 1; kill $!; echo udp done\n' \
		--expect '^udp done' --expect "$PROMPT"
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
