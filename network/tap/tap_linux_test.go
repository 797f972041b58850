package tap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const etherTypeTest = 0x88b5 // IEEE 802 local experimental EtherType

func TestInvalidName(t *testing.T) {
	for _, name := range []string{"", "a-name-that-is-too-long"} {
		if _, err := NewTap(name); err == nil || !strings.Contains(err.Error(), "invalid interface name") {
			t.Errorf("NewTap(%q) = %v", name, err)
		}
	}
}

// TestTapInNetns creates a TAP interface inside a private network namespace
// (the host's interfaces are never touched) and exchanges one frame each
// way with an AF_PACKET socket bound to it.
func TestTapInNetns(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("skipping: needs root to create a network namespace and a TAP interface")
	}
	if _, err := os.Stat(tunPath); err != nil {
		t.Skipf("skipping: %s: %v", tunPath, err)
	}
	type result struct {
		skip string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		// The thread enters a new network namespace and is never unlocked,
		// so the runtime discards it when this goroutine exits.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			done <- result{skip: fmt.Sprintf("skipping: cannot create a network namespace: %v", err)}
			return
		}
		done <- result{err: exchange(t)}
	}()
	r := <-done
	if r.skip != "" {
		t.Skip(r.skip)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
}

func testFrame(dst []byte, tag string) []byte {
	f := make([]byte, 60)
	copy(f[0:6], dst)
	copy(f[6:12], []byte{0x02, 0, 0, 0, 0, 0x42})
	binary.BigEndian.PutUint16(f[12:14], etherTypeTest)
	copy(f[14:], tag)
	return f
}

// exchange runs on a thread inside the private namespace.
func exchange(t *testing.T) error {
	const name = "ast0"
	tp, err := NewTap(name)
	if err != nil {
		return err
	}
	defer tp.Close()

	// A second attach to the same single-queue interface is refused.
	if _, err := NewTap(name); err == nil || !strings.Contains(err.Error(), "busy") {
		return fmt.Errorf("second NewTap(%s) = %v, want a busy error", name, err)
	}
	// A TUN (layer 3) interface of that name is not a TAP.
	if err := checkNotTap(); err != nil {
		return err
	}

	sock, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(sock)
	ifr, _ := unix.NewIfreq(name)
	if err := unix.IoctlIfreq(sock, unix.SIOCGIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCGIFFLAGS: %v", err)
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	if err := unix.IoctlIfreq(sock, unix.SIOCSIFFLAGS, ifr); err != nil {
		return fmt.Errorf("SIOCSIFFLAGS: %v", err)
	}
	ifr, _ = unix.NewIfreq(name)
	if err := unix.IoctlIfreq(sock, unix.SIOCGIFINDEX, ifr); err != nil {
		return fmt.Errorf("SIOCGIFINDEX: %v", err)
	}
	index := int(ifr.Uint32())

	proto := int(htons(unix.ETH_P_ALL))
	ps, err := unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, proto)
	if err != nil {
		return fmt.Errorf("AF_PACKET socket: %v", err)
	}
	defer unix.Close(ps)
	if err := unix.Bind(ps, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: index}); err != nil {
		return fmt.Errorf("bind AF_PACKET: %v", err)
	}
	tv := unix.NsecToTimeval(int64(5 * time.Second))
	if err := unix.SetsockoptTimeval(ps, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
		return err
	}

	got := make(chan []byte, 64)
	if err := tp.Start(func(f []byte) { got <- f }); err != nil {
		return err
	}
	if !tp.LinkUp() {
		return errors.New("LinkUp false while open")
	}

	// Kernel -> guest: a frame sent on the interface reaches deliver.
	toGuest := testFrame([]byte{0x02, 0, 0, 0, 0, 0x01}, "to-guest")
	if err := unix.Sendto(ps, toGuest, 0, &unix.SockaddrLinklayer{Ifindex: index, Halen: 6, Addr: [8]byte{0x02, 0, 0, 0, 0, 0x01}}); err != nil {
		return fmt.Errorf("send on %s: %v", name, err)
	}
	deadline := time.After(10 * time.Second)
wait:
	for {
		select {
		case f := <-got:
			if bytes.Equal(f, toGuest) {
				break wait
			} // other traffic (IPv6 neighbour discovery) is ignored
		case <-deadline:
			return errors.New("frame written to the interface never reached deliver")
		}
	}

	// Guest -> kernel: Send writes the frame to the interface.
	toKernel := testFrame([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "to-kernel")
	tp.Send(toKernel)
	buf := make([]byte, 2048)
	for i := 0; i < 100; i++ {
		n, _, err := unix.Recvfrom(ps, buf, 0)
		if err != nil {
			return fmt.Errorf("frame from Send not seen on %s: %v", name, err)
		}
		if bytes.Equal(buf[:n], toKernel) {
			if err := tp.Close(); err != nil {
				return err
			}
			if tp.LinkUp() {
				return errors.New("LinkUp true after Close")
			}
			tp.Send(toKernel) // after Close: dropped, no panic
			return nil
		}
	}
	return errors.New("frame from Send not seen on the interface")
}

func checkNotTap() error {
	fd, err := unix.Open(tunPath, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, _ := unix.NewIfreq("asttun0")
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		return fmt.Errorf("creating a TUN interface: %v", err)
	}
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 0); err != nil {
		return err
	}
	_, err = NewTap("asttun0")
	if err == nil {
		return errors.New("NewTap on a TUN interface succeeded")
	}
	if strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "asttun0") {
		return fmt.Errorf("unclear error for a TUN interface: %q", err)
	}
	return nil
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }

// Without root (and without a pre-created interface owned by this user)
// opening fails with a one-line reason.
func TestOpenErrorUnprivileged(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("skipping: runs only without root (root may open any TAP)")
	}
	_, err := NewTap("astnoperm0")
	if err == nil {
		t.Fatal("NewTap without privileges succeeded")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "astnoperm0") ||
		!(strings.Contains(msg, "permission") || strings.Contains(msg, "does not exist")) {
		t.Errorf("unclear error: %q", msg)
	}
	t.Logf("error: %v", err)
}
