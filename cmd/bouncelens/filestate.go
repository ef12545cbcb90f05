package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"bouncelens/store"
)

// What a scan remembers about its inputs, so that the next scan reads only
// what is new (the nightly cron run over the same growing, rotating logs
// and the same bounce Maildir).
//
// A log is known by the hash of its first bytes (decompressed: a rotated
// maillog.1 compressed into maillog.2.gz is the same log), up to headLen
// bytes. Its record says how far the scan read (to the end of a complete
// line), the state of the Postfix reader there (open queue ids, the year of
// classic stamps), and the file's device, inode, size and modification time
// when it was read. The next scan of a file with the same first bytes
// continues from that offset: a growing maillog is read from where the last
// scan stopped, a rotated copy of it only past that point, a compressed one
// not at all when it holds nothing more. A file whose first bytes differ (a
// new log, a log truncated and rewritten) is a new log, read from the start.
// A log shorter than the first headLen bytes is known by all it has; when it
// grows, its record moves to the longer key.
//
// The record is stored with Writer.SetMeta after the input's events were
// added, so it commits with them (or after them), never before: a scan
// killed before it is recorded reads the input again, and the store skips
// the events it already holds.
//
// A bounce message file (a Maildir message, an .eml) is known by the hash
// of its content: a message seen by an earlier scan is not read again, even
// when Maildir renamed it into cur/ with flags. mbox files and large
// messages are read whole each time (the store skips what it holds).

// headLen is how many first bytes of a log identify it.
const headLen = 4096

// maxHashedMessage is the largest message file identified by its hash.
const maxHashedMessage = 1 << 20

// Meta name prefixes of the records.
const (
	fileMetaPrefix = "file/"
	msgMetaPrefix  = "msg/"
)

// fileRecord is what the store remembers about one log.
type fileRecord struct {
	Name    string    `json:"name"`            // path when last read ("<stdin>" for standard input)
	Dev     uint64    `json:"dev,omitempty"`   // device and inode when last read
	Ino     uint64    `json:"ino,omitempty"`   //
	Gzip    bool      `json:"gzip,omitempty"`  // the file was gzip'ed
	Size    int64     `json:"size"`            // bytes on disk when read; -1 for standard input
	Offset  int64     `json:"offset"`          // decompressed bytes read, to the end of a complete line
	ModTime time.Time `json:"mtime,omitempty"` // modification time when read
	Scanned time.Time `json:"scanned"`         // when the scan read it
	State   []byte    `json:"state,omitempty"` // the Postfix reader's state at Offset
}

// fileKey returns the meta name of the log whose first bytes are head.
func fileKey(head []byte) string {
	sum := sha256.Sum256(head)
	return fileMetaPrefix + strconv.Itoa(len(head)) + "/" + hex.EncodeToString(sum[:16])
}

// msgKey returns the meta name of a message file with this content.
func msgKey(content []byte) string {
	sum := sha256.Sum256(content)
	return msgMetaPrefix + hex.EncodeToString(sum[:16])
}

// inputIndex is what earlier scans recorded, loaded once at the start of a
// scan and then only read (by the parse workers, concurrently).
type inputIndex struct {
	files map[string]fileRecord
	lens  []int // distinct head lengths of files, longest first
	msgs  map[string]bool
}

// loadInputIndex reads the records of earlier scans from db.
func loadInputIndex(ctx context.Context, db *store.DB) (*inputIndex, error) {
	ix := &inputIndex{files: make(map[string]fileRecord), msgs: make(map[string]bool)}
	err := db.MetaPrefix(ctx, fileMetaPrefix, func(name string, v []byte) error {
		var rec fileRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			// A record this version cannot read: the log is read from the
			// start, and the store skips what it holds.
			return nil
		}
		n, ok := headLenOf(name)
		if !ok {
			return nil
		}
		ix.files[name] = rec
		if !slices.Contains(ix.lens, n) {
			ix.lens = append(ix.lens, n)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading what earlier scans read: %w", err)
	}
	slices.SortFunc(ix.lens, func(a, b int) int { return b - a })
	err = db.MetaPrefix(ctx, msgMetaPrefix, func(name string, _ []byte) error {
		ix.msgs[name] = true
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the messages earlier scans read: %w", err)
	}
	return ix, nil
}

// headLenOf returns the head length a file key was made from.
func headLenOf(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, fileMetaPrefix)
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(num)
	return n, err == nil && n > 0 && n <= headLen
}

// findFile returns the record of the log whose first bytes are head (at
// most headLen of them): the one made from the longest prefix of head.
func (ix *inputIndex) findFile(head []byte) (string, fileRecord, bool) {
	if ix == nil {
		return "", fileRecord{}, false
	}
	for _, n := range ix.lens {
		if n > len(head) {
			continue
		}
		key := fileKey(head[:n])
		if rec, ok := ix.files[key]; ok {
			return key, rec, true
		}
	}
	return "", fileRecord{}, false
}

// seenMessage reports whether a message with this key was read before.
func (ix *inputIndex) seenMessage(key string) bool {
	return ix != nil && ix.msgs[key]
}

// encodeFileRecord returns the stored form of rec.
func encodeFileRecord(rec fileRecord) []byte {
	b, err := json.Marshal(rec)
	if err != nil {
		panic(err) // plain fields: cannot fail
	}
	return b
}
