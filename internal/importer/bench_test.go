package importer

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// writeBenchFile writes a HubSpot-style export of n rows and returns its path.
func writeBenchFile(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("bench_%d.csv", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, `"Record ID","First Name","Last Name","Email","Phone Number",`+
		`"Mobile Phone Number","Contact owner","Company Name","Lifecycle Stage",`+
		`"Create Date","Unsubscribed from all email"`)
	for i := range n {
		fmt.Fprintf(w, "\"%d\",\"Ayşe\",\"Yılmaz %d\",\"ayse.%d@example.com\","+
			"\"0212 555 %02d %02d\",\"0532 %03d %02d %02d\",\"Zeynep Kılıç\","+
			"\"Örnek, Ltd. Şti.\",\"Lead\",\"2025-01-02 10:00\",\"false\"\n",
			i, i, i, i%100, i/100%100, i%1000, i/10%100, i%100)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// BenchmarkReader reads generated exports of 5k and 50k rows. Allocations per
// row stay the same at both sizes: the reader keeps no rows.
func BenchmarkReader(b *testing.B) {
	for _, n := range []int{5_000, 50_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			path := writeBenchFile(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if got := readFile(b, path); got != n {
					b.Fatalf("read %d rows, want %d", got, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}

// readFile reads every row of path and returns how many there were.
func readFile(b *testing.B, path string) int {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = f.Close() }()
	r, err := NewReader(f, Options{Name: filepath.Base(path)})
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return n
		}
		if err != nil || rec.Err != nil {
			b.Fatal(err, rec.Err)
		}
		n++
	}
}
