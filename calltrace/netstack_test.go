package calltrace

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// netstackDir holds the committed study (testdata/gen-netstack.sh).
const netstackDir = "../docs/netstack"

// netstackWant is what each part of docs/netstack must show: for a root,
// functions its trees reach. These are the functions the README's
// walkthrough names; a regenerated file that loses one is wrong (or the
// README needs a new name).
var netstackWant = map[string]map[string][]string{
	"study": {
		"__sys_socket":  {"inet_create", "tcp_v4_init_sock"},
		"__sys_bind":    {"inet_bind", "inet_csk_get_port"},
		"__sys_listen":  {"inet_listen", "inet_csk_listen_start"},
		"__sys_connect": {"inet_stream_connect", "tcp_v4_connect", "tcp_connect"},
		"__sys_accept4": {"inet_accept", "inet_csk_accept"},
		"ksys_write":    {"sock_write_iter", "inet_sendmsg", "tcp_sendmsg_locked", "tcp_stream_alloc_skb", "tcp_write_xmit", "__tcp_transmit_skb"},
		"ksys_read":     {"sock_read_iter", "inet_recvmsg", "tcp_recvmsg", "sk_wait_data"},
		"__fput":        {"sock_close", "inet_release", "tcp_close"},
	},
	"boot": {
		"do_one_initcall": {"netlink_proto_init", "inet_init", "af_unix_init", "af_alg_init", "inet6_init", "packet_init", "sock_register"},
		"sock_register":   {"sock_register"},
	},
	"tcp": {
		"__sys_connect":             {"tcp_v4_connect", "tcp_connect", "ip_queue_xmit"},
		"ksys_write":                {"tcp_sendmsg_locked", "tcp_write_xmit", "ip_queue_xmit"},
		"ksys_read":                 {"tcp_recvmsg", "sk_wait_data"},
		"ip_queue_xmit":             {"__ip_queue_xmit", "ip_finish_output2"},
		"ip_finish_output2":         {"__dev_queue_xmit"},
		"__dev_queue_xmit":          {"sch_direct_xmit", "ftgmac100_hard_start_xmit"},
		"arp_solicit":               {"arp_send_dst"},
		"ftgmac100_interrupt":       {"napi_schedule_prep"},
		"ftgmac100_poll":            {"napi_gro_receive", "netif_receive_skb", "ip_list_rcv", "arp_rcv"},
		"ip_list_rcv":               {"ip_local_deliver", "tcp_v4_rcv"},
		"tcp_v4_rcv":                {"tcp_rcv_state_process", "tcp_finish_connect", "tcp_data_queue", "tcp_fin", "sock_def_readable", "try_to_wake_up"},
		"ftgmac100_hard_start_xmit": {},
	},
	"udp": {
		"__sys_socket":   {"inet_create", "udp_init_sock"},
		"__sys_bind":     {"inet_bind", "udp_v4_get_port"},
		"__sys_recvfrom": {"inet_recvmsg", "udp_recvmsg", "__skb_recv_udp"},
		"__sys_sendto":   {"inet_sendmsg", "udp_sendmsg"},
		"__fput":         {"sock_close", "inet_release", "udp_lib_close"},
		"udp_sendmsg":    {"ip_make_skb", "udp_send_skb", "ip_send_skb"},
		"ip_send_skb":    {"__ip_local_out", "ip_output", "ip_finish_output2"},
		"ip_list_rcv":    {"ip_local_deliver", "__udp4_lib_rcv"},
		"__udp4_lib_rcv": {"udp_queue_rcv_skb", "sock_def_readable"},
	},
}

// TestNetstackDocs checks the committed docs/netstack: each part's JSON
// reaches the functions above, the text formats are what the JSON renders
// to (so they come from the same run), and every SVG the README links
// exists.
func TestNetstackDocs(t *testing.T) {
	if _, err := os.Stat(netstackDir); err != nil {
		t.Skip("no docs/netstack")
	}
	for part, roots := range netstackWant {
		b, err := os.ReadFile(filepath.Join(netstackDir, part+".json"))
		if err != nil {
			t.Error(err)
			continue
		}
		rs, err := ReadJSON(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", part, err)
			continue
		}
		reached := map[string]map[string]bool{}
		for _, r := range rs {
			m := map[string]bool{}
			var walk func(c *Call)
			walk = func(c *Call) {
				m[c.Name] = true
				for _, k := range c.Calls {
					walk(k)
				}
			}
			for _, c := range r.Trees {
				walk(c)
			}
			if r.Entries > 0 {
				reached[r.Root] = m
			}
		}
		for root, names := range roots {
			if reached[root] == nil {
				t.Errorf("%s: root %s never entered", part, root)
				continue
			}
			for _, n := range names {
				if !reached[root][n] {
					t.Errorf("%s: %s does not reach %s", part, root, n)
				}
			}
		}
		for _, f := range []string{"tree", "boxes", "dot"} {
			have, err := os.ReadFile(filepath.Join(netstackDir, part+"."+f))
			if err != nil {
				t.Error(err)
				continue
			}
			var want bytes.Buffer
			if err := WriteResult(&want, rs, f); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(have, want.Bytes()) {
				t.Errorf("%s.%s is not what %s.json renders to: regenerate with testdata/gen-netstack.sh %s", part, f, part, part)
			}
		}
	}
	// The NIC parts ran against the deterministic peer (--nic peer): their
	// consoles and frames show the exchange the walkthrough tells.
	for f, want := range map[string][]string{
		"tcp.console": {"netstudy source: 1000 bytes"},
		"tcp.frames": {"Request who-has 10.0.2.2 tell 10.0.2.15", "Reply 10.0.2.2 is-at 52:55:0a:00:02:02",
			"> 10.0.2.2.9: Flags [S]", "10.0.2.2.9 > 10.0.2.15.", "Flags [S.]", "Flags [P.], seq 1:1001", "ack 1001", "ack 1002", "Flags [F.], seq 1, ack 1002"},
		"udp.console": {"netstudy source: 1 bytes", "udp done"},
		"udp.frames":  {"10.0.2.2.40007 > 10.0.2.15.7: UDP, length 20", "10.0.2.15.7 > 10.0.2.2.40007: UDP, length 20"},
	} {
		b, err := os.ReadFile(filepath.Join(netstackDir, f))
		if err != nil {
			t.Error(err)
			continue
		}
		for _, w := range want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s lacks %q: regenerate with testdata/gen-netstack.sh", f, w)
			}
		}
	}
	readme, err := os.ReadFile(filepath.Join(netstackDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(readme), "(") {
		if i := strings.Index(l, ".svg)"); i > 0 && !strings.ContainsAny(l[:i], " \n[]") {
			if _, err := os.Stat(filepath.Join(netstackDir, l[:i]+".svg")); err != nil {
				t.Errorf("README links a missing picture: %v", err)
			}
		}
	}
	for _, l := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(l, "|") && strings.Contains(l, "TBD") {
			t.Errorf("README table row still TBD: %s", l)
		}
	}
}
