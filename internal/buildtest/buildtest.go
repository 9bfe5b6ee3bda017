// Package buildtest gives image build tests their real parts: git
// repositories served over git's smart HTTP protocol on loopback (git
// http-backend), an OCI registry on loopback (go-containerregistry's), and a
// stand-in for the build pod, since no kubelet runs on the test bed.
package buildtest

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/imagebuild"
)

// GitServer serves the repositories under Root with `git http-backend`.
type GitServer struct {
	Root   string
	URL    string
	server *httptest.Server
}

// NewGitServer starts a smart-HTTP git server for a test; it needs git on PATH.
func NewGitServer(t testing.TB) *GitServer {
	t.Helper()
	s, err := StartGitServer(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// NewPrivateGitServer starts a smart-HTTP git server that answers only to
// HTTP basic auth with username and token, as GitHub does for a private
// repository.
func NewPrivateGitServer(t testing.TB, username, token string) *GitServer {
	t.Helper()
	s, err := startGitServer(t.TempDir(), func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if u, p, ok := req.BasicAuth(); !ok || u != username || p != token {
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "authentication required", http.StatusUnauthorized)
				return
			}
			next.ServeHTTP(w, req)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// StartGitServer serves the repositories under root; Close stops it.
func StartGitServer(root string) (*GitServer, error) {
	return startGitServer(root, func(h http.Handler) http.Handler { return h })
}

func startGitServer(root string, wrap func(http.Handler) http.Handler) (*GitServer, error) {
	gitPath, err := exec.LookPath("git")
	if err != nil {
		return nil, fmt.Errorf("git is needed to serve repositories over HTTP: %w", err)
	}
	handler := &cgi.Handler{
		Path: gitPath,
		Args: []string{"http-backend"},
		Env:  []string{"GIT_PROJECT_ROOT=" + root, "GIT_HTTP_EXPORT_ALL=1"},
	}
	s := &GitServer{Root: root, server: httptest.NewServer(wrap(handler))}
	s.URL = s.server.URL
	return s, nil
}

// Close stops the server.
func (s *GitServer) Close() { s.server.Close() }

// Repo is a repository the test commits to; the server serves it as <name>.git.
type Repo struct {
	URL  string
	repo *git.Repository
	dir  string
}

// NewRepo creates a Binder-style repository on branch main with one commit.
func (s *GitServer) NewRepo(t testing.TB, name string) *Repo {
	t.Helper()
	repo, err := s.CreateRepo(name)
	if err != nil {
		t.Fatal(err)
	}
	return repo
}

// CreateRepo creates a served repository named <name>.git.
func (s *GitServer) CreateRepo(name string) (*Repo, error) {
	dir := filepath.Join(s.Root, name+"-work")
	repo, err := initRepo(dir, s.URL+"/"+name+".git")
	if err != nil {
		return nil, err
	}
	// The served path is the repository's .git directory, as a bare repository.
	return repo, os.Symlink(filepath.Join(dir, ".git"), filepath.Join(s.Root, name+".git"))
}

func initRepo(dir, url string) (*Repo, error) {
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		return nil, err
	}
	repo := &Repo{URL: url, repo: r, dir: dir}
	_, err = repo.commit("environment", map[string]string{
		"environment.yml": "name: env\nchannels: [conda-forge]\ndependencies: [python=3.12, numpy]\n",
	})
	return repo, err
}

// Commit writes files and commits them to the current branch; it returns the commit hash.
func (r *Repo) Commit(t testing.TB, message string, files map[string]string) string {
	t.Helper()
	h, err := r.commit(message, files)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (r *Repo) commit(message string, files map[string]string) (string, error) {
	wt, err := r.repo.Worktree()
	if err != nil {
		return "", err
	}
	for name, content := range files {
		p := filepath.Join(r.dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return "", err
		}
		if _, err := wt.Add(name); err != nil {
			return "", err
		}
	}
	h, err := wt.Commit(message, &git.CommitOptions{Author: &object.Signature{Name: "test", Email: "test@example.org", When: time.Now()}})
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// Tag creates an annotated tag at the current commit.
func (r *Repo) Tag(t testing.TB, name string) {
	t.Helper()
	head, err := r.repo.Head()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.repo.CreateTag(name, head.Hash(), &git.CreateTagOptions{
		Message: name, Tagger: &object.Signature{Name: "test", Email: "test@example.org", When: time.Now()},
	}); err != nil {
		t.Fatal(err)
	}
}

// Registry is an OCI registry on loopback that requires basic auth, like a
// token-based registry (GHCR, Quay, ...).
type Registry struct {
	Host               string
	Username, Password string
	server             *httptest.Server
}

// NewRegistry starts the registry for a test.
func NewRegistry(t testing.TB) *Registry {
	t.Helper()
	r := StartRegistry()
	t.Cleanup(r.Close)
	return r
}

// StartRegistry starts the registry; Close stops it.
func StartRegistry() *Registry {
	r := &Registry{Username: "builder", Password: "push-token-0123"}
	inner := registry.New()
	r.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if u, p, ok := req.BasicAuth(); !ok || u != r.Username || p != r.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		inner.ServeHTTP(w, req)
	}))
	r.Host = strings.TrimPrefix(r.server.URL, "http://")
	return r
}

// Close stops the registry.
func (r *Registry) Close() { r.server.Close() }

// DockerConfigJSON is the .dockerconfigjson of a push Secret for the registry.
func (r *Registry) DockerConfigJSON() []byte {
	auth := base64.StdEncoding.EncodeToString([]byte(r.Username + ":" + r.Password))
	return []byte(fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, r.Host, auth))
}

// Push puts a small random image at ref, as a finished build would.
func (r *Registry) Push(ref string) error {
	img, err := random.Image(512, 1)
	if err != nil {
		return err
	}
	parsed, err := imagebuild.ParseReference(ref)
	if err != nil {
		return err
	}
	return remote.Write(parsed, img, remote.WithAuth(&authn.Basic{Username: r.Username, Password: r.Password}))
}

// Outcome of a stand-in build.
type Outcome struct {
	Fail    bool
	LogTail string
}

// StandInBuildPod plays the build pod, since no kubelet runs on the test
// bed to run repo2docker: for each build Job's pod that kwok has started, it
// either pushes an image under the Job's --image-name and marks the pod
// Succeeded, or marks it Failed with a log tail in its termination message,
// as a kubelet would. The Job controller then finishes the Job.
type StandInBuildPod struct {
	Registry *Registry
	Client   kubernetes.Interface

	mu      sync.Mutex
	outcome Outcome
	hold    chan struct{}
	builds  []string
}

// Start runs the stand-in until the test ends.
func (s *StandInBuildPod) Start(t testing.TB) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go s.Run(ctx)
}

// Next sets what the following builds do.
func (s *StandInBuildPod) Next(o Outcome) {
	s.mu.Lock()
	s.outcome = o
	s.mu.Unlock()
}

// Hold makes builds wait until Release, to test applies that meet a running build.
func (s *StandInBuildPod) Hold() {
	s.mu.Lock()
	s.hold = make(chan struct{})
	s.mu.Unlock()
}

// Release lets held builds finish.
func (s *StandInBuildPod) Release() {
	s.mu.Lock()
	if s.hold != nil {
		close(s.hold)
		s.hold = nil
	}
	s.mu.Unlock()
}

// Builds lists the image references built so far.
func (s *StandInBuildPod) Builds() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.builds...)
}

// Run plays build pods until ctx ends.
func (s *StandInBuildPod) Run(ctx context.Context) {
	done := map[string]bool{}
	for ctx.Err() == nil {
		pods, err := s.Client.CoreV1().Pods("").List(ctx, metav1.ListOptions{LabelSelector: imagebuild.ComponentLabel + "=" + imagebuild.ComponentValue})
		if err == nil {
			for i := range pods.Items {
				p := &pods.Items[i]
				if done[string(p.UID)] || p.Status.Phase != corev1.PodRunning {
					continue
				}
				done[string(p.UID)] = true
				go s.play(ctx, p)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *StandInBuildPod) play(ctx context.Context, p *corev1.Pod) {
	s.mu.Lock()
	hold, outcome := s.hold, s.outcome
	s.mu.Unlock()
	if hold != nil {
		select {
		case <-hold:
		case <-ctx.Done():
			return
		}
	}
	args := p.Spec.Containers[0].Args
	ref := ""
	for i, a := range args {
		if a == "--image-name" && i+1 < len(args) {
			ref = args[i+1]
		}
	}
	terminated := &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: metav1.Now(), FinishedAt: metav1.Now()}
	phase := corev1.PodSucceeded
	if outcome.Fail {
		terminated.ExitCode, terminated.Reason, terminated.Message = 1, "Error", outcome.LogTail
		phase = corev1.PodFailed
	} else if err := s.Registry.Push(ref); err != nil {
		terminated.ExitCode, terminated.Reason, terminated.Message = 1, "Error", "push failed: "+err.Error()
		phase = corev1.PodFailed
	}
	s.mu.Lock()
	s.builds = append(s.builds, ref)
	s.mu.Unlock()
	for attempt := 0; attempt < 20; attempt++ {
		fresh, err := s.Client.CoreV1().Pods(p.Namespace).Get(ctx, p.Name, metav1.GetOptions{})
		if err != nil {
			return
		}
		fresh.Status.Phase = phase
		fresh.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: "PodCompleted"}}
		fresh.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name: fresh.Spec.Containers[0].Name, Image: fresh.Spec.Containers[0].Image,
			State: corev1.ContainerState{Terminated: terminated},
		}}
		if _, err := s.Client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, fresh, metav1.UpdateOptions{}); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Jobs lists the build Jobs in a namespace.
func Jobs(ctx context.Context, cs kubernetes.Interface, namespace string) ([]batchv1.Job, error) {
	list, err := cs.BatchV1().Jobs(namespace).List(ctx, metav1.ListOptions{LabelSelector: imagebuild.ComponentLabel + "=" + imagebuild.ComponentValue})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}
