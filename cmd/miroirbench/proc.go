package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is one process of the miroir binary the driver started. Every proc
// is registered with the env, which kills what is left at exit.
type proc struct {
	name string
	bin  string
	args []string
	log  string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// spawn starts bin with args, stdout and stderr appended to logs/<name>.log.
func (e *benchEnv) spawn(name string, args ...string) (*proc, error) {
	bin, err := e.miroir()
	if err != nil {
		return nil, err
	}
	p := &proc{name: name, bin: bin, args: args, log: filepath.Join(e.tmp, "logs", name+".log")}
	if err := p.start(); err != nil {
		return nil, err
	}
	e.procs = append(e.procs, p)
	return p, nil
}

func (p *proc) start() error {
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o640)
	if err != nil {
		return err
	}
	cmd := exec.Command(p.bin, p.args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		f.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		f.Close()
		close(done)
	}()
	p.mu.Lock()
	p.cmd, p.done = cmd, done
	p.mu.Unlock()
	return nil
}

func (p *proc) running() (*exec.Cmd, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd, p.done
}

// pid is the process id of the current incarnation.
func (p *proc) pid() int {
	cmd, _ := p.running()
	if cmd == nil || cmd.Process == nil {
		return 0
	}
	return cmd.Process.Pid
}

// alive reports whether the current incarnation has not exited.
func (p *proc) alive() bool {
	_, done := p.running()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the exit.
func (p *proc) kill() {
	cmd, done := p.running()
	if cmd == nil || !p.alive() {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-done
}

// stop sends SIGTERM, waits up to 20 s, then kills.
func (p *proc) stop() {
	cmd, done := p.running()
	if cmd == nil || !p.alive() {
		return
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		p.kill()
	}
}

// restart starts the same command line again (same data dir and ports).
func (p *proc) restart() error {
	p.kill()
	return p.start()
}

// rssKB reads VmRSS from /proc/<pid>/status.
func (p *proc) rssKB() (int64, error) {
	return procStatusKB(p.pid(), "VmRSS:")
}

func procStatusKB(pid int, key string) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, key) {
			f := strings.Fields(strings.TrimPrefix(line, key))
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", key, pid)
}

// tail returns the last lines of the process log, for error messages.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.log)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}

// freeAddr returns a loopback address free for TCP and UDP right now
// (gossip needs both).
func freeAddr() (string, error) {
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		addr := ln.Addr().String()
		ln.Close()
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			continue
		}
		pc.Close()
		return addr, nil
	}
	return "", errors.New("no free loopback port")
}

// stopped marks a condition that can no longer become true (the process
// exited): waitFor gives up at once.
type stopped struct{ error }

func (s stopped) Unwrap() error { return s.error }

// waitFor polls cond every 50 ms until it holds, ctx ends, d passes or
// cond returns a stopped error.
func waitFor(ctx context.Context, d time.Duration, what string, cond func() error) error {
	deadline := time.Now().Add(d)
	for {
		err := cond()
		if err == nil {
			return nil
		}
		var st stopped
		if errors.As(err, &st) {
			return fmt.Errorf("%s: %w", what, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not within %s: %w", what, d, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// cpuSeconds is the user+system CPU time the process used so far, from
// /proc/<pid>/stat (clock ticks of 10 ms).
func (p *proc) cpuSeconds() (float64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(p.pid()) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces; fields after ')' are fixed.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", p.pid())
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat", p.pid())
	}
	return (utime + stime) / 100, nil
}
