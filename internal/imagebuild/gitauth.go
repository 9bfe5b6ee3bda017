package imagebuild

import (
	"bytes"
	"fmt"
	"net"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	gitssh "github.com/go-git/go-git/v5/plumbing/transport/ssh"
	"golang.org/x/crypto/ssh"
	corev1 "k8s.io/api/core/v1"
)

// Kinds of git credentials, and the keys their Secret holds. The ssh keys
// are those of Kubernetes' kubernetes.io/ssh-auth Secrets.
const (
	GitToken = "token"
	GitSSH   = "ssh"

	GitTokenKey      = "token"
	GitUsernameKey   = "username"
	GitPrivateKeyKey = corev1.SSHAuthPrivateKey
	GitKnownHostsKey = "known_hosts"

	// DefaultGitUsername goes with a token when the Secret names no user:
	// GitHub takes any user name with a token; GitLab wants "oauth2" for
	// OAuth tokens, which the Secret's username key then says.
	DefaultGitUsername = "x-access-token"
	gitCredentialsDir  = "/etc/twoi2chub/git"
)

// GitCredentials names the Secret, in the builder's namespace, holding
// what reads a private repository: a token for HTTPS, or an SSH key.
type GitCredentials struct {
	Secret string
	Kind   string // GitToken or GitSSH
}

// GitAuth is the content of a GitCredentials Secret, read at plan to list
// the repository's references. It never leaves the provider's memory: the
// build Job mounts the Secret itself.
type GitAuth struct {
	Kind       string
	Username   string
	Token      string
	PrivateKey []byte
	KnownHosts []byte
}

// GitAuthFromSecret reads the keys a kind of credentials needs from a
// Secret's data; the error names the missing key.
func GitAuthFromSecret(kind string, data map[string][]byte) (*GitAuth, error) {
	a := &GitAuth{Kind: kind}
	switch kind {
	case GitToken:
		a.Token = strings.TrimSpace(string(data[GitTokenKey]))
		if a.Token == "" {
			return nil, fmt.Errorf("it has no key %q with the token (its keys: %s)", GitTokenKey, keyList(data))
		}
		a.Username = strings.TrimSpace(string(data[GitUsernameKey]))
		if a.Username == "" {
			a.Username = DefaultGitUsername
		}
	case GitSSH:
		a.PrivateKey = data[GitPrivateKeyKey]
		if len(a.PrivateKey) == 0 {
			return nil, fmt.Errorf("it has no key %q with the private key (its keys: %s)", GitPrivateKeyKey, keyList(data))
		}
		if _, err := ssh.ParsePrivateKey(a.PrivateKey); err != nil {
			return nil, fmt.Errorf("its key %q is not an unencrypted private key: %v", GitPrivateKeyKey, err)
		}
		a.KnownHosts = data[GitKnownHostsKey]
		if len(bytes.TrimSpace(a.KnownHosts)) == 0 {
			return nil, fmt.Errorf("it has no key %q with the git server's host keys (ssh-keyscan HOST gives them; the build trusts no host blindly) (its keys: %s)",
				GitKnownHostsKey, keyList(data))
		}
	default:
		return nil, fmt.Errorf("unknown kind %q: use %q or %q", kind, GitToken, GitSSH)
	}
	return a, nil
}

func keyList(data map[string][]byte) string {
	if len(data) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}

// method is go-git's authentication for a at url: HTTP basic auth with the
// token, or the SSH key (as the URL's user, "git" by default) checked
// against the Secret's known hosts.
func (a *GitAuth) method(url string) (transport.AuthMethod, error) {
	if a == nil {
		return nil, nil
	}
	if a.Kind == GitToken {
		return &githttp.BasicAuth{Username: a.Username, Password: a.Token}, nil
	}
	signer, err := ssh.ParsePrivateKey(a.PrivateKey)
	if err != nil {
		return nil, err
	}
	hostKeys, err := knownHostsCallback(a.KnownHosts)
	if err != nil {
		return nil, err
	}
	user := "git"
	if ep, err := transport.NewEndpoint(url); err == nil && ep.User != "" {
		user = ep.User
	}
	return &gitssh.PublicKeys{User: user, Signer: signer, HostKeyCallbackHelper: gitssh.HostKeyCallbackHelper{HostKeyCallback: hostKeys}}, nil
}

// knownHostsCallback accepts a host whose key is listed for its name (or
// [name]:port) in a known_hosts document; hashed names are not supported.
func knownHostsCallback(doc []byte) (ssh.HostKeyCallback, error) {
	type entry struct {
		hosts []string
		key   ssh.PublicKey
	}
	var entries []entry
	rest := doc
	for len(bytes.TrimSpace(rest)) > 0 {
		_, hosts, key, _, next, err := ssh.ParseKnownHosts(rest)
		if err != nil {
			return nil, fmt.Errorf("known_hosts: %w", err)
		}
		entries = append(entries, entry{hosts, key})
		rest = next
	}
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		names := []string{hostname}
		if h, port, err := net.SplitHostPort(hostname); err == nil {
			names = []string{h, "[" + h + "]:" + port}
			if port == "22" {
				names = []string{h, hostname}
			}
		}
		for _, e := range entries {
			for _, h := range e.hosts {
				for _, n := range names {
					if h == n && bytes.Equal(e.key.Marshal(), key.Marshal()) {
						return nil
					}
				}
			}
		}
		return fmt.Errorf("host key of %s (%s) is not in the Secret's %s", hostname, ssh.FingerprintSHA256(key), GitKnownHostsKey)
	}, nil
}
