// Command tlogpeer is the independent implementation the ledger interop tests
// run against: golang.org/x/mod/sumdb/note and sumdb/tlog, as Debian ships
// them (golang-golang-x-mod-dev). Build offline:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o tlogpeer .
//
// Subcommands (exit 0: accepted, 1: rejected, 2: usage or I/O error):
//
//	genkey NAME               print a new signer key and verifier key, one a line
//	sign SKEY                 sign the note text on stdin, print the note
//	open VKEY...              open the note on stdin, print its text
//	check-proof               check the JSON proof on stdin with sumdb/tlog
//	check-log DIR VKEY [OLD]  verify DIR/checkpoint, rebuild its root from
//	                          DIR/tile/..., check every entry bundle, every
//	                          inclusion proof, and consistency with each older
//	                          checkpoint file OLD; DIR may be an http:// log
//	                          prefix, read with net/http
package main

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "genkey":
		err = genkey(os.Args[2:])
	case "sign":
		err = sign(os.Args[2:])
	case "open":
		err = open(os.Args[2:])
	case "check-proof":
		err = checkProof()
	case "check-log":
		err = checkLog(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tlogpeer:", err)
		var u usageError
		if errors.As(err, &u) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usage() {
	fmt.Fprintln(os.Stderr, "usage: tlogpeer genkey|sign|open|check-proof|check-log ...")
	os.Exit(2)
}

func stdin() ([]byte, error) {
	b, err := io.ReadAll(os.Stdin)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return b, nil
}

func genkey(args []string) error {
	if len(args) != 1 {
		return usageError{"genkey NAME"}
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, args[0])
	if err != nil {
		return usageError{err.Error()}
	}
	fmt.Println(skey)
	fmt.Println(vkey)
	return nil
}

func sign(args []string) error {
	if len(args) != 1 {
		return usageError{"sign SKEY"}
	}
	signer, err := note.NewSigner(args[0])
	if err != nil {
		return usageError{err.Error()}
	}
	text, err := stdin()
	if err != nil {
		return err
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, signer)
	if err != nil {
		return err
	}
	os.Stdout.Write(msg)
	return nil
}

func verifiers(vkeys []string) (note.Verifiers, error) {
	var list []note.Verifier
	for _, k := range vkeys {
		v, err := note.NewVerifier(k)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return note.VerifierList(list...), nil
}

func open(args []string) error {
	vs, err := verifiers(args)
	if err != nil {
		return err
	}
	msg, err := stdin()
	if err != nil {
		return err
	}
	n, err := note.Open(msg, vs)
	if err != nil {
		return err
	}
	fmt.Print(n.Text)
	return nil
}

type proofJSON struct {
	Kind     string   `json:"kind"`
	Index    int64    `json:"index"`
	Size     int64    `json:"size"`
	LeafHash string   `json:"leaf_hash"`
	Root     string   `json:"root"`
	Size1    int64    `json:"size1"`
	Size2    int64    `json:"size2"`
	Root1    string   `json:"root1"`
	Root2    string   `json:"root2"`
	Proof    []string `json:"proof"`
}

func hashes(b64 []string) ([]tlog.Hash, error) {
	var out []tlog.Hash
	for _, s := range b64 {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

func checkProof() error {
	in, err := stdin()
	if err != nil {
		return err
	}
	var p proofJSON
	if err := json.Unmarshal(in, &p); err != nil {
		return usageError{err.Error()}
	}
	proof, err := hashes(p.Proof)
	if err != nil {
		return err
	}
	switch p.Kind {
	case "inclusion":
		root, err1 := tlog.ParseHash(p.Root)
		leaf, err2 := tlog.ParseHash(p.LeafHash)
		if err1 != nil || err2 != nil {
			return errors.New("bad hash")
		}
		return tlog.CheckRecord(tlog.RecordProof(proof), p.Size, root, p.Index, leaf)
	case "consistency":
		root1, err1 := tlog.ParseHash(p.Root1)
		root2, err2 := tlog.ParseHash(p.Root2)
		if err1 != nil || err2 != nil {
			return errors.New("bad hash")
		}
		return tlog.CheckTree(tlog.TreeProof(proof), p.Size2, root2, p.Size1, root1)
	}
	return usageError{"kind must be inclusion or consistency"}
}

// checkpoint is a C2SP tlog-checkpoint body.
type checkpoint struct {
	origin string
	tree   tlog.Tree
}

// readResource reads a file, or GETs a URL (200 only).
func readResource(path string) ([]byte, error) {
	if !strings.HasPrefix(path, "http://") {
		return os.ReadFile(path)
	}
	resp, err := http.Get(path)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	// Go's transport asked for gzip; entry bundles must come back compressed
	// (C2SP tlog-tiles), and the transport decoded them for us.
	if strings.Contains(path, "/tile/entries/") && !resp.Uncompressed {
		return nil, fmt.Errorf("GET %s: entry bundle not served with Content-Encoding: gzip", path)
	}
	return io.ReadAll(resp.Body)
}

func openCheckpoint(path string, vs note.Verifiers) (checkpoint, error) {
	msg, err := readResource(path)
	if err != nil {
		return checkpoint{}, usageError{err.Error()}
	}
	n, err := note.Open(msg, vs)
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: %w", path, err)
	}
	lines := strings.Split(strings.TrimSuffix(n.Text, "\n"), "\n")
	if len(lines) < 3 {
		return checkpoint{}, fmt.Errorf("%s: checkpoint has %d lines", path, len(lines))
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return checkpoint{}, fmt.Errorf("%s: bad tree size %q", path, lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, fmt.Errorf("%s: bad root: %w", path, err)
	}
	return checkpoint{lines[0], tlog.Tree{N: size, Hash: root}}, nil
}

// dirTiles serves C2SP tiles from a directory to sumdb/tlog, which names
// them tile/8/L/N (and tile/8/data/N for entries).
type dirTiles struct{ dir string }

func (d dirTiles) Height() int { return 8 }

func (d dirTiles) path(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), "tile/8/")
	p = strings.Replace(p, "data/", "entries/", 1)
	return d.join("tile/" + p)
}

func (d dirTiles) join(p string) string {
	if strings.HasPrefix(d.dir, "http://") {
		return strings.TrimSuffix(d.dir, "/") + "/" + p
	}
	return filepath.Join(d.dir, p)
}

func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		b, err := readResource(d.path(t))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (d dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

// readEntries reads every entry bundle of a tree of size n.
func readEntries(d dirTiles, n int64) ([][]byte, error) {
	var entries [][]byte
	for start := int64(0); start < n; start += 256 {
		w := n - start
		if w > 256 {
			w = 256
		}
		t := tlog.Tile{H: 8, L: -1, N: start / 256, W: int(w)}
		b, err := readResource(d.path(t))
		if err != nil {
			return nil, err
		}
		for len(b) > 0 {
			if len(b) < 2 {
				return nil, fmt.Errorf("%s: truncated length", d.path(t))
			}
			l := int(binary.BigEndian.Uint16(b))
			if len(b) < 2+l {
				return nil, fmt.Errorf("%s: truncated entry", d.path(t))
			}
			entries = append(entries, b[2:2+l])
			b = b[2+l:]
		}
		if int64(len(entries)) != start+w {
			return nil, fmt.Errorf("%s: has %d entries, want %d", d.path(t), int64(len(entries))-start, w)
		}
	}
	return entries, nil
}

func checkLog(args []string) error {
	if len(args) < 2 {
		return usageError{"check-log DIR VKEY [OLD-CHECKPOINT...]"}
	}
	d := dirTiles{args[0]}
	vs, err := verifiers(args[1:2])
	if err != nil {
		return err
	}
	cur, err := openCheckpoint(d.join("checkpoint"), vs)
	if err != nil {
		return err
	}
	hr := tlog.TileHashReader(cur.tree, d)
	root, err := tlog.TreeHash(cur.tree.N, hr)
	if err != nil {
		return fmt.Errorf("tree hash from tiles: %w", err)
	}
	if root != cur.tree.Hash {
		return errors.New("root rebuilt from tiles differs from the checkpoint")
	}
	entries, err := readEntries(d, cur.tree.N)
	if err != nil {
		return err
	}
	for i, e := range entries {
		p, err := tlog.ProveRecord(cur.tree.N, int64(i), hr)
		if err != nil {
			return fmt.Errorf("prove entry %d: %w", i, err)
		}
		if err := tlog.CheckRecord(p, cur.tree.N, cur.tree.Hash, int64(i), tlog.RecordHash(e)); err != nil {
			return fmt.Errorf("entry %d: %w", i, err)
		}
	}
	for _, old := range args[2:] {
		prev, err := openCheckpoint(old, vs)
		if err != nil {
			return err
		}
		if prev.origin != cur.origin {
			return fmt.Errorf("%s: origin %q, want %q", old, prev.origin, cur.origin)
		}
		p, err := tlog.ProveTree(cur.tree.N, prev.tree.N, hr)
		if err != nil {
			return fmt.Errorf("prove %s: %w", old, err)
		}
		if err := tlog.CheckTree(p, cur.tree.N, cur.tree.Hash, prev.tree.N, prev.tree.Hash); err != nil {
			return fmt.Errorf("%s: %w", old, err)
		}
	}
	fmt.Printf("ok %s %d entries %d older checkpoints\n", cur.origin, len(entries), len(args)-2)
	return nil
}
