package imagebuild_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/buildtest"
	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
)

// TestResolveRefPrivateHTTPS lists a private repository's references with
// a token, against git http-backend behind basic auth on loopback.
func TestResolveRefPrivateHTTPS(t *testing.T) {
	srv := buildtest.NewPrivateGitServer(t, "oauth2", "glpat-secret-0123")
	repo := srv.NewRepo(t, "private-env")
	head := repo.Commit(t, "more", map[string]string{"apt.txt": "graphviz\n"})
	ctx := context.Background()
	if _, err := imagebuild.ResolveRef(ctx, repo.URL, "main", nil); err == nil {
		t.Fatal("a private repository resolved without credentials")
	}
	wrong := &imagebuild.GitAuth{Kind: imagebuild.GitToken, Username: "oauth2", Token: "wrong"}
	if _, err := imagebuild.ResolveRef(ctx, repo.URL, "main", wrong); err == nil {
		t.Fatal("a private repository resolved with a wrong token")
	}
	auth, err := imagebuild.GitAuthFromSecret(imagebuild.GitToken, map[string][]byte{"token": []byte("glpat-secret-0123\n"), "username": []byte("oauth2")})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := imagebuild.ResolveRef(ctx, repo.URL, "main", auth); err != nil || got != head {
		t.Fatalf("ResolveRef with the token = %s, %v; want %s", got, err, head)
	}
}

// TestResolveRefPrivateSSH lists a repository's references over SSH with
// a key, against OpenSSH's sshd on loopback, and refuses a host whose key
// is not in known_hosts.
func TestResolveRefPrivateSSH(t *testing.T) {
	srv := buildtest.NewGitServer(t)
	repo := srv.NewRepo(t, "ssh-env")
	head := repo.Commit(t, "more", map[string]string{"apt.txt": "graphviz\n"})
	sshd := buildtest.NewSSHGitServer(t, srv.Root)
	url := sshd.URL("ssh-env")
	ctx := context.Background()
	auth, err := imagebuild.GitAuthFromSecret(imagebuild.GitSSH, map[string][]byte{"ssh-privatekey": sshd.PrivateKey, "known_hosts": sshd.KnownHosts})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := imagebuild.ResolveRef(ctx, url, "main", auth); err != nil || got != head {
		t.Fatalf("ResolveRef over SSH = %s, %v; want %s", got, err, head)
	}
	other := buildtest.NewSSHGitServer(t, srv.Root) // another host key
	stranger := *auth
	stranger.KnownHosts = other.KnownHosts
	if _, err := imagebuild.ResolveRef(ctx, url, "main", &stranger); err == nil || !strings.Contains(err.Error(), "not in the Secret's known_hosts") {
		t.Fatalf("an unknown host key was accepted: %v", err)
	}
}

func TestGitAuthFromSecretNamesMissingKeys(t *testing.T) {
	for _, c := range []struct {
		kind string
		data map[string][]byte
		want string
	}{
		{imagebuild.GitToken, map[string][]byte{"password": []byte("x")}, `no key "token"`},
		{imagebuild.GitSSH, map[string][]byte{"known_hosts": []byte("h ssh-ed25519 AAAA")}, `no key "ssh-privatekey"`},
		{imagebuild.GitSSH, map[string][]byte{"ssh-privatekey": []byte("not a key")}, "not an unencrypted private key"},
	} {
		if _, err := imagebuild.GitAuthFromSecret(c.kind, c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %v: %v; want %q", c.kind, c.data, err, c.want)
		}
	}
	key := testKey(t)
	if _, err := imagebuild.GitAuthFromSecret(imagebuild.GitSSH, map[string][]byte{"ssh-privatekey": key}); err == nil || !strings.Contains(err.Error(), `no key "known_hosts"`) {
		t.Errorf("ssh without known_hosts: %v", err)
	}
	a, err := imagebuild.GitAuthFromSecret(imagebuild.GitToken, map[string][]byte{"token": []byte("t")})
	if err != nil || a.Username != imagebuild.DefaultGitUsername {
		t.Errorf("token without username: %+v %v", a, err)
	}
}

func testKey(t *testing.T) []byte {
	t.Helper()
	p := filepath.Join(t.TempDir(), "k")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", p).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBuildJobClonesPrivateRepositories runs the real git client with the
// build container's git environment, the credentials Secret's files where
// the Job mounts them, as repo2docker's clone does: it clones the private
// repository, and the Job's spec holds file paths, not the token or key.
func TestBuildJobClonesPrivateRepositories(t *testing.T) {
	const token = "ghp-secret-token-0123"
	https := buildtest.NewPrivateGitServer(t, imagebuild.DefaultGitUsername, token)
	https.NewRepo(t, "env")
	sshd := buildtest.NewSSHGitServer(t, https.Root)
	for _, c := range []struct {
		kind, url string
		files     map[string][]byte
	}{
		{imagebuild.GitToken, https.URL + "/env.git", map[string][]byte{"token": []byte(token)}},
		{imagebuild.GitSSH, sshd.URL("env"), map[string][]byte{"ssh-privatekey": sshd.PrivateKey, "known_hosts": sshd.KnownHosts}},
	} {
		t.Run(c.kind, func(t *testing.T) {
			creds := imagebuild.GitCredentials{Secret: "git-" + c.kind, Kind: c.kind}
			b := imagebuild.Builder{Namespace: "builds", GitCredentials: &creds}
			job, err := imagebuild.Job(b, imagebuild.Request{Repository: c.url, Commit: strings.Repeat("a", 40), Image: "r/env"}, "t")
			if err != nil {
				t.Fatal(err)
			}
			pod := job.Spec.Template.Spec
			var mountDir string
			for _, m := range pod.Containers[0].VolumeMounts {
				if m.Name == "git-credentials" {
					mountDir = m.MountPath
				}
			}
			var secretVolume bool
			for _, v := range pod.Volumes {
				secretVolume = secretVolume || (v.Name == "git-credentials" && v.Secret != nil && v.Secret.SecretName == creds.Secret && *v.Secret.DefaultMode == 0o400)
			}
			if mountDir == "" || !secretVolume {
				t.Fatalf("the Job does not mount Secret %s: %+v", creds.Secret, pod)
			}
			dir := t.TempDir()
			for k, v := range c.files {
				if err := os.WriteFile(filepath.Join(dir, k), v, 0o400); err != nil {
					t.Fatal(err)
				}
			}
			env := []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "GIT_TERMINAL_PROMPT=0", "GIT_SSH_COMMAND=ssh -o BatchMode=yes"}
			clone := func(extra []string) error {
				cmd := exec.Command("git", "clone", "-q", c.url, filepath.Join(t.TempDir(), "clone"))
				cmd.Env = append(append([]string(nil), env...), extra...)
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Logf("git clone: %s", out)
				}
				return err
			}
			if clone(nil) == nil {
				t.Fatal("the private repository cloned without credentials")
			}
			var jobEnv []string
			for _, e := range pod.Containers[0].Env {
				for _, secret := range c.files {
					if len(secret) > 8 && strings.Contains(e.Value, string(secret[:8])) {
						t.Fatalf("the Job's env %s holds the credentials", e.Name)
					}
				}
				jobEnv = append(jobEnv, e.Name+"="+strings.ReplaceAll(e.Value, mountDir, dir))
			}
			if err := clone(jobEnv); err != nil {
				t.Fatalf("git clone with the Job's environment: %v", err)
			}
		})
	}
}
