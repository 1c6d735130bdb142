package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// The shared servers on 127.0.0.1:5432 and :6379 serve every test at once, so
// a test that stops, restarts or flushes a server does it to a private one:
// its own cluster or redis-server on a free port, started here.

// PrivatePostgres is a private Postgres cluster (trust auth, loopback only) that a
// test may stop and start at will. Create one with StartPostgres.
type PrivatePostgres struct {
	// URL is the server's URL, to the postgres database.
	URL string

	bin  string // directory of initdb, pg_ctl, postgres
	dir  string // data directory; also holds the socket and log
	port int
	as   *syscall.Credential // run as this user (root may not run Postgres)
}

// pgBinDirs are searched for initdb and pg_ctl, newest version first;
// CRIER_TEST_PG_BIN names another directory.
func pgBinDir() (string, error) {
	if d := os.Getenv("CRIER_TEST_PG_BIN"); d != "" {
		return d, nil
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	return "", errors.New("testenv: initdb and pg_ctl not found (looked in PATH and " +
		"/usr/lib/postgresql/*/bin; set CRIER_TEST_PG_BIN or `apt-get install postgresql`)")
}

// StartPostgres creates a cluster in a new directory under parent with
// initdb, starts it on a free loopback port and waits until it accepts
// connections. Call Close when done. It takes a few seconds.
func StartPostgres(parent string) (*PrivatePostgres, error) {
	bin, err := pgBinDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, "crier-pg-")
	if err != nil {
		return nil, fmt.Errorf("testenv: postgres dir: %w", err)
	}
	p := &PrivatePostgres{bin: bin, dir: dir}
	if os.Geteuid() == 0 {
		if p.as, err = postgresUser(dir); err != nil {
			return nil, err
		}
	}
	initdb := p.command("initdb", "-D", p.data(), "-A", "trust", "-U", "postgres",
		"--no-sync", "-E", "UTF8", "--locale=C")
	if out, err := initdb.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("testenv: initdb: %w: %s", err, out)
	}
	if p.port, err = FreePort(); err != nil {
		return nil, err
	}
	p.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
	if err := p.Start(); err != nil {
		return nil, err
	}
	return p, nil
}

// postgresUser makes dir usable by the "postgres" user and returns its
// credential: initdb and postgres refuse to run as root.
func postgresUser(dir string) (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("testenv: running as root, and Postgres needs a non-root user "+
			"to run as: %w (create a user named postgres)", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	// The parents of dir must be searchable by that user too.
	for d := filepath.Dir(dir); d != "/" && d != "."; d = filepath.Dir(d) {
		st, err := os.Stat(d)
		if err == nil && st.Mode().Perm()&0o001 == 0 {
			return nil, fmt.Errorf("testenv: %s is not searchable by user postgres; "+
				"start the cluster under /tmp", d)
		}
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, fmt.Errorf("testenv: chown postgres dir: %w", err)
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

func (p *PrivatePostgres) data() string { return filepath.Join(p.dir, "data") }

func (p *PrivatePostgres) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(p.bin, name), args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if p.as != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.as}
	}
	return cmd
}

// Start starts the (stopped) server and waits until it accepts connections.
// fsync is off, which loses nothing when the server crashes, only when the
// machine does. synchronous_commit stays on: without it a crash (Stop
// "immediate") forgets transactions it had confirmed, which no ledger survives.
func (p *PrivatePostgres) Start() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off "+
		"-c max_connections=200", p.port, p.dir)
	cmd := p.command("pg_ctl", "start", "-w", "-t", "60", "-D", p.data(),
		"-l", filepath.Join(p.dir, "postgres.log"), "-o", opts)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("testenv: pg_ctl start: %w: %s (log: %s)", err, out, p.logTail())
	}
	return nil
}

// Stop stops the server: mode "immediate" kills it as a crash would (it
// recovers on Start), "fast" disconnects clients and shuts down cleanly.
func (p *PrivatePostgres) Stop(mode string) error {
	cmd := p.command("pg_ctl", "stop", "-w", "-m", mode, "-D", p.data())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("testenv: pg_ctl stop: %w: %s", err, out)
	}
	return nil
}

// Close stops the server and removes its directory.
func (p *PrivatePostgres) Close() error {
	err := p.Stop("immediate")
	return errors.Join(err, os.RemoveAll(p.dir))
}

// logTail returns the end of the server log, for error messages.
func (p *PrivatePostgres) logTail() string {
	b, _ := os.ReadFile(filepath.Join(p.dir, "postgres.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

// PrivateRedis is a private redis-server (no persistence, loopback only) that a test
// may flush, stop and start at will. Create one with StartRedis.
type PrivateRedis struct {
	// URL is the server's redis:// URL.
	URL string

	port int
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// StartRedis starts redis-server on a free loopback port and waits until it
// answers. It keeps nothing on disk, so a restart loses every key, as a
// restart of a Redis without persistence does. Call Close when done.
func StartRedis() (*PrivateRedis, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, errors.New("testenv: redis-server not found in PATH " +
			"(`apt-get install redis-server` or `brew install redis`)")
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	r := &PrivateRedis{port: port, URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port)}
	return r, r.Start()
}

// Start starts the (stopped) server and waits until it answers PING.
func (r *PrivateRedis) Start() error {
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning")
	r.cmd.SysProcAttr = ChildAttr()
	if err := r.cmd.Start(); err != nil {
		return fmt.Errorf("testenv: start redis-server: %w", err)
	}
	r.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(r.cmd, r.done)
	// Dial before pinging: go-redis logs every refused dial of its pool.
	addr := fmt.Sprintf("127.0.0.1:%d", r.port)
	deadline := time.Now().Add(10 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.Close()
			break
		}
		select {
		case <-r.done:
			return errors.New("testenv: redis-server exited at start (port taken?)")
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("testenv: redis-server did not listen within 10s")
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client := r.client()
	defer client.Close()
	if err := client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("testenv: redis-server does not answer: %w", err)
	}
	return nil
}

// Stop kills the server (SIGKILL: it keeps nothing anyway) and waits for it.
func (r *PrivateRedis) Stop() error {
	if r.cmd == nil || r.cmd.Process == nil {
		return nil
	}
	select {
	case <-r.done:
		return nil
	default:
	}
	if err := r.cmd.Process.Kill(); err != nil {
		return fmt.Errorf("testenv: stop redis-server: %w", err)
	}
	<-r.done
	return nil
}

// Flush deletes every key (FLUSHALL).
func (r *PrivateRedis) Flush(ctx context.Context) error {
	client := r.client()
	defer client.Close()
	if err := client.FlushAll(ctx).Err(); err != nil {
		return fmt.Errorf("testenv: flush private redis: %w", err)
	}
	return nil
}

// Close stops the server.
func (r *PrivateRedis) Close() error { return r.Stop() }

func (r *PrivateRedis) client() *redis.Client {
	return redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", r.port)})
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("testenv: find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
