package testbed

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// process is one control-plane binary started by the harness, with its output
// in <dir>/<name>.log.
type process struct {
	name    string
	binary  string
	args    []string
	dir     string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	waitErr error
}

// spawner starts every child from one OS thread that stays alive for the life
// of the test binary. Children get PR_SET_PDEATHSIG=SIGKILL, which the kernel
// delivers when the *thread* that forked them exits; pinning the forks to a
// thread that never exits means the signal comes exactly when the test process
// dies, however it dies (panic, timeout, os.Exit, SIGKILL).
type spawner struct {
	requests chan spawnRequest
}

type spawnRequest struct {
	cmd   *exec.Cmd
	reply chan error
}

var (
	spawnerOnce sync.Once
	theSpawner  *spawner
)

func getSpawner() *spawner {
	spawnerOnce.Do(func() {
		s := &spawner{requests: make(chan spawnRequest)}
		go func() {
			runtime.LockOSThread() // never unlocked: this goroutine never returns
			for r := range s.requests {
				r.reply <- r.cmd.Start()
			}
			select {}
		}()
		theSpawner = s
	})
	return theSpawner
}

func (s *spawner) start(cmd *exec.Cmd) error {
	reply := make(chan error, 1)
	s.requests <- spawnRequest{cmd: cmd, reply: reply}
	return <-reply
}

func startProcess(dir, name, binary string, args ...string) (*process, error) {
	logPath := filepath.Join(dir, name+".log")
	// Append: a restarted process keeps its earlier output in the same log.
	logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), "HOME="+dir) // keep kwok and friends out of the real home
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true,
		Pdeathsig: syscall.SIGKILL,
	}
	if err := getSpawner().start(cmd); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s (%s): %w", name, binary, err)
	}
	p := &process{name: name, binary: binary, args: args, dir: dir, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// restart starts the process again with the same binary and arguments; the
// old one must have ended.
func (p *process) restart() (*process, error) {
	return startProcess(p.dir, p.name, p.binary, p.args...)
}

// exited reports whether the process has ended, with its error.
func (p *process) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.waitErr
	default:
		return false, nil
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after grace.
func (p *process) stop(grace time.Duration) {
	if done, _ := p.exited(); done {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// logTail returns the last lines of the process's output, for error messages.
func (p *process) logTail(lines int) string {
	data, err := os.ReadFile(p.logPath)
	if err != nil {
		return ""
	}
	parts := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return string(bytes.Join(parts, []byte("\n")))
}

// failure describes a process that exited early, with the tail of its log.
func (p *process) failure() error {
	done, err := p.exited()
	if !done {
		return nil
	}
	if err == nil {
		err = errors.New("exited")
	}
	return fmt.Errorf("%s exited early (%v); last lines of %s:\n%s", p.name, err, p.logPath, p.logTail(20))
}

// waitFor polls check until it returns true, ctx ends, or one of procs exits.
func waitFor(ctx context.Context, what string, procs []*process, check func(context.Context) bool) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		for _, p := range procs {
			if err := p.failure(); err != nil {
				return fmt.Errorf("waiting for %s: %w", what, err)
			}
		}
		if check(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-tick.C:
		}
	}
}

// ChildProcesses lists the processes whose parent is parent and whose command
// name starts with prefix (the kernel keeps 15 characters of it), e.g. the
// provider plugin a Terraform process started.
func ChildProcesses(parent int, prefix string) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		s := string(stat)
		open, closing := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || closing < 0 || closing+2 > len(s) {
			continue
		}
		fields := strings.Fields(s[closing+2:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(parent) && strings.HasPrefix(s[open+1:closing], prefix) {
			out = append(out, pid)
		}
	}
	return out
}
