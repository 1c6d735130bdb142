package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is a crier subprocess the benchmark started.
type process struct {
	name string
	cmd  *exec.Cmd
}

// start runs bin with args and env added to the benchmark's own environment;
// its stderr goes to logs.
func start(name, bin string, args []string, env map[string]string, logs io.Writer) (*process, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdout, cmd.Stderr = io.Discard, logs
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return &process{name: name, cmd: cmd}, nil
}

// peakRSS returns the process's peak resident set (VmHWM) in bytes.
func (p *process) peakRSS() (int64, error) { return peakRSSOf(p.cmd.Process.Pid) }

// stop interrupts the process and waits for it, killing it after 10s.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

// peakRSSOf reads VmHWM from /proc/PID/status (Linux).
func peakRSSOf(pid int) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, fmt.Errorf("peak RSS of %d: %w", pid, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("peak RSS of %d: %w", pid, err)
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("peak RSS of %d: no VmHWM line", pid)
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// waitHTTP polls url until it answers or ctx ends.
func waitHTTP(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", url, errors.Join(err, ctx.Err()))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// profile saves 10-second CPU profiles of the first worker and the devsink,
// taken for five seconds from one second after the workers started.
func (r *run) profile(ctx context.Context) {
	select {
	case <-ctx.Done():
		return
	case <-time.After(time.Second):
	}
	var wg sync.WaitGroup
	for name, addr := range map[string]string{"worker": r.pprofWorker, "devsink": r.pprofSink} {
		wg.Go(func() {
			url := "http://" + addr + "/debug/pprof/goroutine?debug=1"
			if err := saveProfile(ctx, url, filepath.Join(r.opts.ProfileDir, name+".goroutines")); err != nil {
				r.logger.WarnContext(ctx, "Could not list goroutines", "process", name, "error", err)
			}
			url = "http://" + addr + "/debug/pprof/profile?seconds=5"
			if err := saveProfile(ctx, url, filepath.Join(r.opts.ProfileDir, name+".pprof")); err != nil {
				r.logger.WarnContext(ctx, "Could not profile", "process", name, "error", err)
			}
		})
	}
	wg.Wait()
}

func saveProfile(ctx context.Context, url, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
