// Package tap is the "tap:IFNAME" network backend: guest frames go to and
// come from a Linux TAP interface opened through /dev/net/tun with
// IFF_TAP|IFF_NO_PI (plain Ethernet frames, no packet-information header).
// The interface must already exist and be usable by this user (e.g.
// "ip tuntap add dev tap0 mode tap user $USER"), or the process must have
// CAP_NET_ADMIN to create it.
//
// Reference: Linux Documentation/networking/tuntap.rst,
// include/uapi/linux/if_tun.h.
package tap

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

const tunPath = "/dev/net/tun"

// queueLen bounds frames waiting to be written to the interface; more are
// dropped so Send never blocks the machine.
const queueLen = 512

// maxFrame is the largest frame read from the interface (jumbo frames
// included; the kernel truncates nothing below the interface MTU).
const maxFrame = 65536

// Tap is a TAP interface backend. It implements network.Backend.
type Tap struct {
	name string
	f    *os.File

	out  chan *[]byte
	pool sync.Pool

	mu      sync.Mutex
	started bool
	closed  bool
	done    chan struct{}
	wg      sync.WaitGroup
}

// NewTap attaches to (or, with CAP_NET_ADMIN, creates) the TAP interface
// name. The error is one line saying why it cannot be opened.
func NewTap(name string) (*Tap, error) {
	if name == "" || len(name) >= unix.IFNAMSIZ {
		return nil, fmt.Errorf("tap %q: invalid interface name", name)
	}
	fd, err := unix.Open(tunPath, unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		switch {
		case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENODEV), errors.Is(err, unix.ENXIO):
			return nil, fmt.Errorf("tap %s: %s does not exist (load the tun module: modprobe tun)", name, tunPath)
		case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM):
			return nil, fmt.Errorf("tap %s: no permission to open %s", name, tunPath)
		}
		return nil, fmt.Errorf("tap %s: cannot open %s: %v", name, tunPath, err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("tap %q: invalid interface name: %v", name, err)
	}
	ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		switch {
		case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
			return nil, fmt.Errorf("tap %s: no permission to attach to the interface (create it with \"ip tuntap add dev %s mode tap user $USER\", or run with CAP_NET_ADMIN)", name, name)
		case errors.Is(err, unix.EBUSY):
			return nil, fmt.Errorf("tap %s: interface is busy (already attached by another process?)", name)
		case errors.Is(err, unix.EINVAL):
			return nil, fmt.Errorf("tap %s: interface exists but is not a TAP device (or has other flags)", name)
		}
		return nil, fmt.Errorf("tap %s: TUNSETIFF failed: %v", name, err)
	}
	// A non-blocking descriptor joins Go's poller: reads park the goroutine
	// and Close wakes them.
	t := &Tap{
		name: name,
		f:    os.NewFile(uintptr(fd), tunPath),
		out:  make(chan *[]byte, queueLen),
		done: make(chan struct{}),
	}
	t.pool.New = func() any { b := make([]byte, 0, 2048); return &b }
	return t, nil
}

// Name is the interface name.
func (t *Tap) Name() string { return t.name }

// Send queues a guest frame for the interface; it drops the frame when the
// queue is full or the backend is closed.
func (t *Tap) Send(frame []byte) {
	if len(frame) < 14 {
		return
	}
	bp := t.pool.Get().(*[]byte)
	*bp = append((*bp)[:0], frame...)
	select {
	case <-t.done:
		t.pool.Put(bp)
		return
	default:
	}
	select {
	case t.out <- bp:
	default:
		t.pool.Put(bp)
	}
}

// Start runs the reader and writer goroutines.
func (t *Tap) Start(deliver func(frame []byte)) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return errors.New("tap: Start after Close")
	}
	if t.started {
		return errors.New("tap: already started")
	}
	t.started = true
	t.wg.Add(2)
	go t.reader(deliver)
	go t.writer()
	return nil
}

func (t *Tap) reader(deliver func([]byte)) {
	defer t.wg.Done()
	buf := make([]byte, maxFrame)
	for {
		// Reads park in Go's poller while nothing arrives (also while the
		// interface is down); Close ends them with os.ErrClosed. Other
		// errors (EBADFD after the device is removed) also end the loop.
		n, err := t.f.Read(buf)
		if err != nil {
			return
		}
		if n < 14 {
			continue
		}
		f := make([]byte, n)
		copy(f, buf[:n])
		deliver(f)
	}
}

func (t *Tap) writer() {
	defer t.wg.Done()
	for {
		select {
		case <-t.done:
			return
		case bp := <-t.out:
			// A write error (interface down: EIO) drops the frame.
			_, _ = t.f.Write(*bp)
			t.pool.Put(bp)
		}
	}
}

// LinkUp is true while the backend is open. (The carrier of the host side
// is not polled: a down interface simply drops frames.)
func (t *Tap) LinkUp() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return !t.closed
}

// Close detaches from the interface and stops the goroutines.
func (t *Tap) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	close(t.done)
	t.mu.Unlock()
	err := t.f.Close()
	t.wg.Wait()
	if err != nil {
		return fmt.Errorf("tap %s: %v", t.name, err)
	}
	return nil
}
