package zimage

// A cache of inflated kernels, so that repeated boots of the same zImage
// (CI runs, the bundled guest) skip the host decompression too. Entries
// live in os.UserCacheDir()/ast2500emu/kernels, named by the SHA-256 of the
// zImage; each holds a magic, the SHA-256 of the inflated kernel and the
// format, then the kernel. An entry that does not verify is ignored and
// rebuilt. The directory is kept under CacheLimit bytes by deleting the
// entries used least recently (a hit refreshes an entry's time).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// CacheLimit bounds the cache directory's size in bytes.
var CacheLimit int64 = 256 << 20

// CacheDir returns the cache directory ("" when the user has none, or when
// AST2500EMU_NO_CACHE is set).
func CacheDir() string {
	if os.Getenv("AST2500EMU_NO_CACHE") != "" {
		return ""
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "ast2500emu", "kernels")
}

const cacheMagic = "A25KIMG1"
const cacheHead = len(cacheMagic) + 32 + 8

// Load inflates the kernel in img like Inflate, through the cache. cached
// reports whether the kernel came from it.
func Load(img []byte, limit uint32) (k *Kernel, cached bool, err error) {
	h, err := ParseHeader(img)
	if err != nil {
		return nil, false, err
	}
	dir := CacheDir()
	if dir == "" {
		k, err = Inflate(img, limit)
		return k, false, err
	}
	sum := sha256.Sum256(img)
	path := filepath.Join(dir, hex.EncodeToString(sum[:])+".img")
	if h.Size <= limit {
		if k := readEntry(path, h); k != nil {
			now := time.Now()
			os.Chtimes(path, now, now)
			return k, true, nil
		}
	}
	k, err = Inflate(img, limit)
	if err != nil {
		return nil, false, err
	}
	writeEntry(dir, path, k)
	return k, false, nil
}

func readEntry(path string, h *Header) *Kernel {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() != int64(cacheHead)+int64(h.Size) {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil || len(b) != cacheHead+int(h.Size) || string(b[:len(cacheMagic)]) != cacheMagic {
		return nil
	}
	k := &Kernel{Header: *h, Image: b[cacheHead:]}
	k.SHA256 = sha256.Sum256(k.Image)
	if !bytes.Equal(k.SHA256[:], b[len(cacheMagic):len(cacheMagic)+32]) {
		return nil // corrupt: rebuilt by the caller
	}
	k.Format = strings.TrimRight(string(b[len(cacheMagic)+32:cacheHead]), "\x00")
	return k
}

// writeEntry stores k (best effort: a cache that cannot be written is no
// cache) and trims the directory.
func writeEntry(dir, path string, k *Kernel) {
	if int64(len(k.Image))+int64(cacheHead) > CacheLimit || os.MkdirAll(dir, 0o755) != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	var head [cacheHead]byte
	copy(head[:], cacheMagic)
	copy(head[len(cacheMagic):], k.SHA256[:])
	copy(head[len(cacheMagic)+32:], k.Format)
	_, err = f.Write(head[:])
	if err == nil {
		_, err = f.Write(k.Image)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return
	}
	trim(dir, path)
}

// trim deletes the least recently used entries (never keep) until the
// directory fits CacheLimit.
func trim(dir, keep string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type entry struct {
		path string
		size int64
		mod  time.Time
	}
	var es []entry
	var total int64
	for _, e := range ents {
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		es = append(es, entry{filepath.Join(dir, e.Name()), fi.Size(), fi.ModTime()})
		total += fi.Size()
	}
	sort.Slice(es, func(i, j int) bool { return es[i].mod.Before(es[j].mod) })
	for _, e := range es {
		if total <= CacheLimit {
			break
		}
		if e.path == keep {
			continue
		}
		if os.Remove(e.path) == nil {
			total -= e.size
		}
	}
}
