package harness

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Role says which kind of process a Proc runs.
type Role string

const (
	RolePeer Role = "peer"
	RoleNode Role = "node"
)

// ErrNotRunning is returned when a signal is asked of a process that has exited
// or was never started.
var ErrNotRunning = errors.New("harness: process not running")

// Proc is one OS process of the cluster under test. Its address fields are
// fixed for its whole life, so a restart comes back on the same ports, as a
// real peer restarted by its supervisor would.
type Proc struct {
	Name        string
	Role        Role
	HTTPAddr    string // client + admin API (peers) or node API (nodes)
	RaftAddr    string // peers only
	GossipAddr  string // peers only (memberlist, TCP and UDP)
	ControlAddr string // peers only, when chaos faults are enabled
	DataDir     string
	LogPath     string

	binary string
	args   func() []string

	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{} // closed when cmd has been reaped
	stopped bool          // SIGSTOPped and not yet SIGCONTed
	starts  int
}

// Start launches the process. Its stdout and stderr are appended to LogPath,
// after a marker line naming the start, so one file tells the whole story of
// a process across restarts.
func (p *Proc) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && !isClosed(p.done) {
		return fmt.Errorf("harness: %s already running", p.Name)
	}
	if err := os.MkdirAll(p.DataDir, 0o755); err != nil {
		return err
	}
	logf, err := os.OpenFile(p.LogPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	p.starts++
	args := p.args()
	fmt.Fprintf(logf, "=== harness: start #%d of %s at %s: %s %q\n",
		p.starts, p.Name, time.Now().UTC().Format(time.RFC3339Nano), p.binary, args)
	cmd := exec.Command(p.binary, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("harness: start %s: %w", p.Name, err)
	}
	done := make(chan struct{})
	go func() {
		err := cmd.Wait()
		fmt.Fprintf(logf, "=== harness: %s exited at %s: %v\n", p.Name, time.Now().UTC().Format(time.RFC3339Nano), err)
		logf.Close()
		close(done)
	}()
	p.cmd, p.done, p.stopped = cmd, done, false
	return nil
}

// Running reports whether the process is alive (possibly SIGSTOPped).
func (p *Proc) Running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil && !isClosed(p.done)
}

// Paused reports whether the process is SIGSTOPped.
func (p *Proc) Paused() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stopped && p.cmd != nil && !isClosed(p.done)
}

// Pid returns the OS process id, or 0 when not running.
func (p *Proc) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || isClosed(p.done) {
		return 0
	}
	return p.cmd.Process.Pid
}

// Kill sends SIGKILL and waits until the process is reaped, so its ports and
// data-dir locks are free when Kill returns. Killing a dead process is a no-op.
func (p *Proc) Kill() error { return p.signalAndWait(syscall.SIGKILL, 0) }

// Terminate sends SIGTERM and waits up to grace for a clean exit, then SIGKILLs.
func (p *Proc) Terminate(grace time.Duration) error {
	return p.signalAndWait(syscall.SIGTERM, grace)
}

func (p *Proc) signalAndWait(sig syscall.Signal, grace time.Duration) error {
	p.mu.Lock()
	cmd, done, stopped := p.cmd, p.done, p.stopped
	p.mu.Unlock()
	if cmd == nil || isClosed(done) {
		return nil
	}
	// A stopped process does not act on SIGTERM until continued.
	_ = cmd.Process.Signal(sig)
	if sig != syscall.SIGKILL && stopped {
		_ = cmd.Process.Signal(syscall.SIGCONT)
	}
	if grace > 0 {
		select {
		case <-done:
			return nil
		case <-time.After(grace):
			_ = cmd.Process.Signal(syscall.SIGKILL)
		}
	}
	<-done
	p.mu.Lock()
	p.stopped = false
	p.mu.Unlock()
	return nil
}

// Pause sends SIGSTOP: the process keeps its sockets but answers nothing,
// like a VM stall or a long GC pause.
func (p *Proc) Pause() error {
	if err := p.signal(syscall.SIGSTOP); err != nil {
		return err
	}
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	return nil
}

// Resume sends SIGCONT to a paused process.
func (p *Proc) Resume() error {
	if err := p.signal(syscall.SIGCONT); err != nil {
		return err
	}
	p.mu.Lock()
	p.stopped = false
	p.mu.Unlock()
	return nil
}

func (p *Proc) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || isClosed(p.done) {
		return fmt.Errorf("%w: %s", ErrNotRunning, p.Name)
	}
	return p.cmd.Process.Signal(sig)
}

// Restart kills the process (if running) and starts it again on the same
// data dir and ports.
func (p *Proc) Restart() error {
	if err := p.Kill(); err != nil {
		return err
	}
	return p.Start()
}

// Wipe kills the process and deletes its data dir; Start then brings it back
// as a new member with the same address (a rejoin after a disk loss).
func (p *Proc) Wipe() error {
	if err := p.Kill(); err != nil {
		return err
	}
	if err := os.RemoveAll(p.DataDir); err != nil {
		return err
	}
	return os.MkdirAll(p.DataDir, 0o755)
}

// Starts reports how many times the process has been started.
func (p *Proc) Starts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.starts
}

func isClosed(ch chan struct{}) bool {
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

func newProc(name string, role Role, root, binary string) *Proc {
	return &Proc{
		Name:    name,
		Role:    role,
		DataDir: filepath.Join(root, name, "data"),
		LogPath: filepath.Join(root, name+".log"),
		binary:  binary,
	}
}
