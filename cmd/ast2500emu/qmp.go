package main

// The control socket (--qmp): JSON over a Unix or TCP socket in the shape
// of QEMU's QMP, so that existing QMP clients work for the common commands.
// A client gets the greeting {"QMP": {...}}, must send qmp_capabilities,
// then sends {"execute": CMD, "arguments": {...}, "id": ...} objects and
// gets {"return": ...} or {"error": {"class": ..., "desc": ...}} with the
// same id. Events arrive between answers as {"event": NAME, "data": {...},
// "timestamp": {"seconds": S, "microseconds": US}}: RESET and WATCHDOG
// from the machine's reset hook, SHUTDOWN when the run ends, STOP and
// RESUME for stop and cont. (Facts from QEMU's docs/interop/qmp-spec.txt
// and qapi/run-state.json.)

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ast2500emu/ast2500emu/machine"
)

// qmpServer serves the control socket and broadcasts events.
type qmpServer struct {
	ln  net.Listener
	mon *monitor

	mu      sync.Mutex
	clients map[*qmpClient]bool
	wg      sync.WaitGroup
}

type qmpClient struct {
	c      net.Conn
	wmu    sync.Mutex
	ready  atomic.Bool // capabilities negotiated: events are sent
	events chan any    // queued events, in order
	gone   chan struct{}
}

// pumpEvents writes queued events until the session ends.
func (c *qmpClient) pumpEvents() {
	for {
		select {
		case ev := <-c.events:
			c.send(ev)
		case <-c.gone:
			return
		}
	}
}

func (c *qmpClient) send(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.c.SetWriteDeadline(time.Now().Add(2 * time.Second))
	_, err = c.c.Write(append(b, '\r', '\n'))
	return err
}

func newQMPServer(ln net.Listener, mon *monitor) *qmpServer {
	return &qmpServer{ln: ln, mon: mon, clients: map[*qmpClient]bool{}}
}

func (s *qmpServer) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		cl := &qmpClient{c: c, events: make(chan any, 64), gone: make(chan struct{})}
		go cl.pumpEvents()
		s.mu.Lock()
		s.clients[cl] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go s.session(cl)
	}
}

type qmpError struct {
	Class string `json:"class"`
	Desc  string `json:"desc"`
}

func (s *qmpServer) session(cl *qmpClient) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.clients, cl)
		s.mu.Unlock()
		close(cl.gone)
		cl.c.Close()
	}()
	maj, min, mic := versionTriple(Version)
	cl.send(map[string]any{"QMP": map[string]any{
		"version":      map[string]any{"qemu": map[string]int{"major": maj, "minor": min, "micro": mic}, "package": "ast2500emu " + Version},
		"capabilities": []string{},
	}})
	dec := json.NewDecoder(cl.c)
	for {
		var req map[string]json.RawMessage
		if err := dec.Decode(&req); err != nil {
			if err == io.EOF || isClosed(err) {
				return
			}
			cl.send(map[string]any{"error": qmpError{"GenericError", "JSON parse error, " + err.Error()}})
			return // the stream cannot be resynchronised
		}
		reply := map[string]any{}
		if id, ok := req["id"]; ok {
			reply["id"] = id
		}
		ret, qerr, quit := s.execute(cl, req)
		if qerr != nil {
			reply["error"] = qerr
		} else {
			reply["return"] = ret
		}
		cl.send(reply)
		_ = quit // the session stays open for SHUTDOWN; shutdown closes it
	}
}

func isClosed(err error) bool {
	return strings.Contains(err.Error(), "use of closed network connection")
}

// execute runs one command; quit says the session ends after the reply.
func (s *qmpServer) execute(cl *qmpClient, req map[string]json.RawMessage) (ret any, qerr *qmpError, quit bool) {
	var cmd string
	if raw, ok := req["execute"]; !ok || json.Unmarshal(raw, &cmd) != nil {
		return nil, &qmpError{"GenericError", "QMP input lacks member 'execute'"}, false
	}
	empty := map[string]any{}
	if !cl.ready.Load() && cmd != "qmp_capabilities" {
		return nil, &qmpError{"CommandNotFound", "Expecting capabilities negotiation with 'qmp_capabilities'"}, false
	}
	m := s.mon.m
	switch cmd {
	case "qmp_capabilities":
		if cl.ready.Load() {
			return nil, &qmpError{"CommandNotFound", "Capabilities negotiation is already complete, command ignored"}, false
		}
		cl.ready.Store(true)
		return empty, nil, false
	case "query-status":
		st, running := "running", true
		if m.Paused() {
			st, running = "paused", false
		}
		return map[string]any{"status": st, "running": running, "singlestep": false}, nil, false
	case "query-version":
		maj, min, mic := versionTriple(Version)
		return map[string]any{"qemu": map[string]int{"major": maj, "minor": min, "micro": mic}, "package": "ast2500emu " + Version}, nil, false
	case "query-commands":
		var l []map[string]string
		for _, c := range []string{"qmp_capabilities", "query-status", "query-version", "query-commands", "stop", "cont", "system_reset", "quit", "human-monitor-command"} {
			l = append(l, map[string]string{"name": c})
		}
		return l, nil, false
	case "stop", "cont":
		s.mon.exec(cmd)
		return empty, nil, false
	case "system_reset":
		m.RequestReset()
		return empty, nil, false
	case "quit":
		m.Stop()
		return empty, nil, true
	case "human-monitor-command":
		var args struct {
			CommandLine *string `json:"command-line"`
		}
		if raw, ok := req["arguments"]; ok {
			json.Unmarshal(raw, &args)
		}
		if args.CommandLine == nil {
			return nil, &qmpError{"GenericError", "Parameter 'command-line' is missing"}, false
		}
		out, err := s.mon.exec(*args.CommandLine)
		if err != nil && err != errMonitorQuit {
			out += err.Error() + "\n"
		}
		return out, nil, false
	}
	return nil, &qmpError{"CommandNotFound", fmt.Sprintf("The command %s has not been found", cmd)}, false
}

// event sends an event to every client past capabilities negotiation.
// Safe from any goroutine (the machine's reset hook calls it); a client
// that cannot take it within its write deadline misses it.
func (s *qmpServer) event(name string, data map[string]any) {
	now := time.Now()
	ev := map[string]any{"event": name, "timestamp": map[string]int64{"seconds": now.Unix(), "microseconds": int64(now.Nanosecond() / 1000)}}
	if data != nil {
		ev["data"] = data
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.clients {
		if c.ready.Load() {
			select {
			case c.events <- ev:
			default: // a client this far behind misses events
			}
		}
	}
}

// resetEvent reports a machine reset as QEMU does: a watchdog expiry is
// WATCHDOG then RESET (guest-reset), a monitor reset RESET (host-qmp).
func (s *qmpServer) resetEvent(kind string) {
	if kind == machine.ResetWatchdog {
		s.event("WATCHDOG", map[string]any{"action": "reset"})
		s.event("RESET", map[string]any{"guest": true, "reason": "guest-reset"})
		return
	}
	s.event("RESET", map[string]any{"guest": false, "reason": "host-qmp-system-reset"})
}

// shutdown sends SHUTDOWN for the way the run ended, then closes the
// socket and its sessions, giving clients a moment to read.
func (s *qmpServer) shutdown(exit machine.Exit) {
	data := map[string]any{"guest": true, "reason": "guest-shutdown"}
	switch exit {
	case machine.ExitReset:
		data["reason"] = "guest-reset"
	case machine.ExitStopped, machine.ExitBudget:
		data = map[string]any{"guest": false, "reason": "host-qmp-quit"}
	}
	s.event("SHUTDOWN", data)
	s.ln.Close()
	// Let the event pumps write what is queued.
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		s.mu.Lock()
		queued := 0
		for c := range s.clients {
			queued += len(c.events)
		}
		s.mu.Unlock()
		if queued == 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	s.mu.Lock()
	for c := range s.clients {
		c.c.Close()
	}
	s.mu.Unlock()
}

// versionTriple splits "0.1.0-dev" into 0, 1, 0.
func versionTriple(v string) (int, int, int) {
	v, _, _ = strings.Cut(v, "-")
	p := strings.Split(v, ".")
	n := [3]int{}
	for i := 0; i < 3 && i < len(p); i++ {
		n[i], _ = strconv.Atoi(p[i])
	}
	return n[0], n[1], n[2]
}

// readLines calls fn for each line from r until fn returns false or the
// input ends.
func readLines(r io.Reader, fn func(string) bool) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if !fn(strings.TrimRight(sc.Text(), "\r")) {
			return
		}
	}
}
