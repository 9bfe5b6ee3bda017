package buildtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// SSHGitServer serves the repositories of a GitServer's root over SSH with
// a real OpenSSH sshd on loopback, for the current user's key only.
type SSHGitServer struct {
	// Prefix is ssh://user@127.0.0.1:port; a repository's URL is
	// Prefix + its path on disk.
	Prefix string
	// PrivateKey is the one key sshd accepts; KnownHosts lists sshd's host
	// key for [127.0.0.1]:port.
	PrivateKey, KnownHosts []byte
	root                   string
}

// NewSSHGitServer starts sshd in front of root's repositories; it skips the
// test when OpenSSH's server is not installed (Debian's openssh-server).
func NewSSHGitServer(t testing.TB, root string) *SSHGitServer {
	t.Helper()
	sshd := "/usr/sbin/sshd"
	if _, err := os.Stat(sshd); err != nil {
		t.Skip("sshd not installed (apt-get install openssh-server)")
	}
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	keygen := func(name string) {
		if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, name)).CombinedOutput(); err != nil {
			t.Fatalf("ssh-keygen: %v: %s", err, out)
		}
	}
	keygen("host")
	keygen("client")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if err := os.WriteFile(filepath.Join(dir, "authorized_keys"), read("client.pub"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	config := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PidFile %s
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
UseDNS no
`, port, filepath.Join(dir, "host"), filepath.Join(dir, "authorized_keys"), filepath.Join(dir, "sshd.pid"))
	if err := os.WriteFile(filepath.Join(dir, "sshd_config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		_ = os.MkdirAll("/run/sshd", 0o755) // sshd's privilege separation directory
	}
	cmd := exec.Command(sshd, "-D", "-e", "-f", filepath.Join(dir, "sshd_config"))
	var log strings.Builder
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen on %s: %s", addr, log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	hostPub := strings.Fields(string(read("host.pub")))
	return &SSHGitServer{
		Prefix:     fmt.Sprintf("ssh://%s@%s", me.Username, addr),
		PrivateKey: read("client"),
		KnownHosts: []byte(fmt.Sprintf("[127.0.0.1]:%d %s %s\n", port, hostPub[0], hostPub[1])),
		root:       root,
	}
}

// URL is the SSH URL of a GitServer repository named name.
func (s *SSHGitServer) URL(name string) string {
	return s.Prefix + filepath.Join(s.root, name+".git")
}
