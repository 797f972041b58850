package usernet

import (
	"bytes"
	"io"
	"os"
	"sync"

	"github.com/sirupsen/logrus"
)

// gvisor-tap-vsock logs through logrus's global logger. quietLogs (applied
// once, by NewUser) keeps its messages on stderr with a "usernet:" prefix
// but drops the ones every orderly Close produces (listeners reporting
// "use of closed network connection").
var quietLogs sync.Once

func installLogFilter() {
	quietLogs.Do(func() {
		logrus.SetOutput(&logFilter{w: os.Stderr})
		logrus.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true})
	})
}

type logFilter struct {
	mu sync.Mutex
	w  io.Writer
}

func (f *logFilter) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte("use of closed network connection")) {
		return len(p), nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.w.Write(append([]byte("usernet: "), p...)); err != nil {
		return 0, err
	}
	return len(p), nil
}
