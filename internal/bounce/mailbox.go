package bounce

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Message is one e-mail message read from a file, an mbox or a maildir.
type Message struct {
	// Name is the base name of the file the message came from: the .eml or
	// mbox file, or the message file inside a maildir.
	Name string
	// Index counts the messages of an mbox from 1; 0 for a single message.
	Index int
	// Data is the raw message.
	Data []byte
}

// ReadMessages reads the messages at path: a single message (.eml), an mbox
// (messages separated by "From " lines) or a maildir (a directory with cur/
// and new/; any other directory is read as a folder of message files).
func ReadMessages(path string) ([]Message, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if st.IsDir() {
		return readDir(path)
	}
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	if strings.EqualFold(filepath.Ext(name), ".eml") {
		// One message, even when it starts with an mbox "From " line: a
		// returned message may quote unescaped "From " lines.
		return []Message{{Name: name, Data: data}}, nil
	}
	return splitMbox(name, data), nil
}

func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxMessage))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return data, nil
}

// readDir reads a maildir's new/ and cur/ messages, or the files of a plain
// directory, in name order.
func readDir(dir string) ([]Message, error) {
	subdirs := []string{"new", "cur"}
	if !isDir(filepath.Join(dir, "new")) && !isDir(filepath.Join(dir, "cur")) {
		subdirs = []string{"."}
	}
	var files []string
	for _, sub := range subdirs {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("read maildir %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				files = append(files, filepath.Join(dir, sub, e.Name()))
			}
		}
	}
	sort.Strings(files)
	var out []Message
	for _, f := range files {
		data, err := readFile(f)
		if err != nil {
			return out, err
		}
		out = append(out, Message{Name: filepath.Base(f), Data: data})
	}
	return out, nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// mboxFrom matches an mbox separator: "From sender date" with a time of day
// and a year, so that a "From " line in a body is not taken for one.
var mboxFrom = regexp.MustCompile(`^From \S*.*\d{1,2}:\d\d(:\d\d)?.*\d{4}`)

// splitMbox splits data at mbox "From " lines. Data that does not start with
// one is a single message; the ">From " quoting of mboxrd is undone.
func splitMbox(name string, data []byte) []Message {
	if !bytes.HasPrefix(data, []byte("From ")) {
		return []Message{{Name: name, Data: data}}
	}
	data = normalizeNewlines(data)
	var msgs [][]byte
	var cur bytes.Buffer
	prevBlank := true
	for line := range bytes.SplitAfterSeq(data, []byte("\n")) {
		text := string(bytes.TrimRight(line, "\n"))
		if prevBlank && mboxFrom.MatchString(text) {
			if cur.Len() > 0 {
				msgs = append(msgs, bytes.Clone(cur.Bytes()))
			}
			cur.Reset()
			prevBlank = false
			continue
		}
		if strings.HasPrefix(strings.TrimLeft(text, ">"), "From ") && strings.HasPrefix(text, ">") {
			line = line[1:]
		}
		cur.Write(line)
		prevBlank = text == ""
	}
	if cur.Len() > 0 {
		msgs = append(msgs, cur.Bytes())
	}
	out := make([]Message, 0, len(msgs))
	for i, m := range msgs {
		out = append(out, Message{Name: name, Index: i + 1, Data: m})
	}
	if len(out) == 1 {
		out[0].Index = 0
	}
	return out
}
