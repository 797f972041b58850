//go:build !unix

package imgfile

import "os"

// lock is a no-op where flock does not exist.
func lock(*os.File) error { return nil }
