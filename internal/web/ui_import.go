package web

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/crier-dev/crier/internal/store"
)

// importStash keeps uploaded files between the preview and the commit.
type importStash struct {
	mu    sync.Mutex // guards files
	files map[string]stashedFile
}

type stashedFile struct {
	path, name string
	userID     int64
	at         time.Time
}

const stashTTL = time.Hour

func newImportStash() *importStash { return &importStash{files: map[string]stashedFile{}} }

// put keeps a file for the user and returns its key; files older than an
// hour are removed.
func (s *importStash) put(f stashedFile) string {
	key, _ := NewToken()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, old := range s.files {
		if time.Since(old.at) > stashTTL {
			os.RemoveAll(filepath.Dir(old.path))
			delete(s.files, k)
		}
	}
	s.files[key] = f
	return key
}

// take returns and forgets the user's file of key.
func (s *importStash) take(key string, userID int64) (stashedFile, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.files[key]
	if !ok || f.userID != userID {
		return stashedFile{}, false
	}
	delete(s.files, key)
	return f, true
}

type importData struct {
	File    string
	Key     string
	Result  ImportResult
	Preview bool
	Done    bool
	Problem string
}

func (ui *UI) importPage(w http.ResponseWriter, r *http.Request, u store.User) {
	ui.render(w, r, http.StatusOK, "import", view{User: u, Title: "import.title", Data: importData{}})
}

const maxImportBytes = 64 << 20

// importPreview stores the upload and dry-runs the import: the counts and
// every row that would be rejected, before anything is written.
func (ui *UI) importPreview(w http.ResponseWriter, r *http.Request, u store.User) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
	file, header, err := r.FormFile("file")
	if err != nil {
		ui.render(w, r, http.StatusBadRequest, "import", view{User: u, Title: "import.title",
			Data: importData{Problem: translate(langOf(r), "import.no_file")}})
		return
	}
	defer file.Close()
	dir, err := os.MkdirTemp("", "crier-upload-")
	if err != nil {
		ui.fail(w, r, u, fmt.Errorf("keep upload: %w", err))
		return
	}
	name := filepath.Base(header.Filename)
	path := filepath.Join(dir, name)
	if err := saveUpload(path, file); err != nil {
		os.RemoveAll(dir)
		ui.fail(w, r, u, err)
		return
	}
	res, err := ui.ops.Import(r.Context(), path, name, true)
	if err != nil {
		os.RemoveAll(dir)
		ui.render(w, r, http.StatusUnprocessableEntity, "import", view{User: u,
			Title: "import.title", Data: importData{File: name,
				Problem: translate(langOf(r), "import.unreadable")}})
		ui.logger.WarnContext(r.Context(), "Import preview failed", "user_id", u.ID, "err", err)
		return
	}
	key := ui.imports.put(stashedFile{path: path, name: name, userID: u.ID, at: time.Now()})
	ui.render(w, r, http.StatusOK, "import", view{User: u, Title: "import.title",
		Data: importData{File: name, Key: key, Result: res, Preview: true}})
}

func saveUpload(path string, src io.Reader) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("keep upload: %w", err)
	}
	if _, err := io.Copy(f, src); err != nil {
		f.Close()
		return fmt.Errorf("keep upload: %w", err)
	}
	return f.Close()
}

// importCommit imports the previewed file for real and audits it.
func (ui *UI) importCommit(w http.ResponseWriter, r *http.Request, u store.User) {
	f, ok := ui.imports.take(r.PostFormValue("key"), u.ID)
	if !ok {
		ui.render(w, r, http.StatusGone, "import", view{User: u, Title: "import.title",
			Data: importData{Problem: translate(langOf(r), "import.expired")}})
		return
	}
	defer os.RemoveAll(filepath.Dir(f.path))
	res, err := ui.ops.Import(r.Context(), f.path, f.name, false)
	if err != nil {
		ui.fail(w, r, u, err)
		return
	}
	if err := ui.st.WebAudit(r.Context(), store.AuditEntry{ActorID: u.ID, Action: "import",
		Entity: "import", Field: f.name, New: fmt.Sprintf("%d rows: %d imported, %d updated, "+
			"%d unchanged, %d rejected", res.RowsIn, res.Imported, res.Updated, res.Unchanged,
			res.Rejected)}); err != nil {
		ui.fail(w, r, u, err)
		return
	}
	ui.render(w, r, http.StatusOK, "import", view{User: u, Title: "import.title",
		Data: importData{File: f.name, Result: res, Done: true}})
}
