package imagebuild

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// DockerConfigKeychain gives registry credentials from a
// kubernetes.io/dockerconfigjson Secret: the same credentials the build pod
// pushes with are used to check for and read back the image.
type DockerConfigKeychain struct {
	auths map[string]authn.AuthConfig
}

// ParseDockerConfig reads a .dockerconfigjson document.
func ParseDockerConfig(data []byte) (*DockerConfigKeychain, error) {
	var doc struct {
		Auths map[string]struct {
			Username      string `json:"username"`
			Password      string `json:"password"`
			Auth          string `json:"auth"`
			IdentityToken string `json:"identitytoken"`
			RegistryToken string `json:"registrytoken"`
		} `json:"auths"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("not a docker config: %w", err)
	}
	k := &DockerConfigKeychain{auths: map[string]authn.AuthConfig{}}
	for host, a := range doc.Auths {
		cfg := authn.AuthConfig{Username: a.Username, Password: a.Password, IdentityToken: a.IdentityToken, RegistryToken: a.RegistryToken}
		if a.Auth != "" && cfg.Username == "" {
			if raw, err := base64.StdEncoding.DecodeString(a.Auth); err == nil {
				cfg.Username, cfg.Password, _ = strings.Cut(string(raw), ":")
			}
		}
		k.auths[registryHost(host)] = cfg
	}
	return k, nil
}

// Resolve implements authn.Keychain.
func (k *DockerConfigKeychain) Resolve(target authn.Resource) (authn.Authenticator, error) {
	if k == nil {
		return authn.Anonymous, nil
	}
	if cfg, ok := k.auths[registryHost(target.RegistryStr())]; ok {
		return authn.FromConfig(cfg), nil
	}
	return authn.Anonymous, nil
}

// registryHost normalises "https://index.docker.io/v1/" and friends to a host.
func registryHost(s string) string {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "https://"), "http://")
	s, _, _ = strings.Cut(s, "/")
	if s == "docker.io" || s == "registry-1.docker.io" {
		return "index.docker.io"
	}
	return s
}

// Registry looks images up with the given credentials, then the machine's own
// docker configuration and credential helpers (gcloud, ecr-login, acr-env...).
type Registry struct {
	Keychain authn.Keychain
	// Transport, when set, carries the requests (tests count them).
	Transport http.RoundTripper
}

func (r Registry) options(ctx context.Context) []remote.Option {
	var kc authn.Keychain = authn.DefaultKeychain
	if r.Keychain != nil {
		kc = authn.NewMultiKeychain(r.Keychain, authn.DefaultKeychain)
	}
	opts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)}
	if r.Transport != nil {
		opts = append(opts, remote.WithTransport(r.Transport))
	}
	return opts
}

// ParseReference parses an image reference; registries on this machine
// (localhost, 127.0.0.1) are spoken to over plain HTTP, as Docker does.
func ParseReference(ref string) (name.Reference, error) {
	var opts []name.Option
	host, _, _ := strings.Cut(ref, "/")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		opts = append(opts, name.Insecure)
	}
	return name.ParseReference(ref, opts...)
}

// Digest returns the digest of the image at ref, or found == false when the
// registry does not have it.
func (r Registry) Digest(ctx context.Context, ref string) (digest string, found bool, err error) {
	parsed, err := ParseReference(ref)
	if err != nil {
		return "", false, err
	}
	desc, err := remote.Head(parsed, r.options(ctx)...)
	if err != nil {
		var terr *transport.Error
		if errors.As(err, &terr) && terr.StatusCode == http.StatusNotFound {
			return "", false, nil
		}
		return "", false, fmt.Errorf("looking up %s: %w", ref, err)
	}
	return desc.Digest.String(), true, nil
}

// Delete removes an image from the registry: its manifest by digest, and
// the tag too where the registry keeps tags apart from manifests. It fails
// only if the tag still resolves afterwards.
func (r Registry) Delete(ctx context.Context, tagRef, digestRef string) error {
	var errs []error
	for _, ref := range []string{digestRef, tagRef} {
		parsed, err := ParseReference(ref)
		if err != nil {
			return err
		}
		if err := remote.Delete(parsed, r.options(ctx)...); err != nil {
			errs = append(errs, err)
		}
		if _, found, err := r.Digest(ctx, tagRef); err == nil && !found {
			return nil
		}
	}
	return fmt.Errorf("%s is still in the registry: %w", tagRef, errors.Join(errs...))
}
