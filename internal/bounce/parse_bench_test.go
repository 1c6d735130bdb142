package bounce

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse classifies every sample in testdata once per iteration:
// go test -run x -bench Parse ./internal/bounce
func BenchmarkParse(b *testing.B) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.eml"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no samples: %v", err)
	}
	var samples [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		samples = append(samples, data)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, s := range samples {
			if _, err := ParseBytes(s); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(samples))/b.Elapsed().Seconds(), "mails/s")
}
