package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// TestOpenAPIDocumentsEveryRoute keeps api/openapi.yaml true: every API
// route is documented, and nothing documented is missing from the routes.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "api", "openapi.yaml"))
	require.NoError(t, err)
	var doc struct {
		Paths map[string]map[string]any `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method != "parameters" {
				documented[strings.ToUpper(method)+" "+path] = true
			}
		}
	}
	ui := &UI{}
	served := map[string]bool{}
	for _, rt := range ui.Routes() {
		if rt.API {
			served[rt.Method+" "+rt.Pattern] = true
		}
	}
	require.Equal(t, served, documented)
	require.Regexp(t, regexp.MustCompile(`(?m)^openapi: 3\.`), string(raw))
}
