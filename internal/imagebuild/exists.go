package imagebuild

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Presence is what a registry says about an image.
type Presence int

const (
	// Present: the registry has the image.
	Present Presence = iota
	// Missing: the registry answered that it has no such image.
	Missing
	// Unchecked: the registry could not be asked (unreachable, or it wants
	// credentials we do not have); Err says why.
	Unchecked
)

// ImageCheck is the answer for one image reference.
type ImageCheck struct {
	Ref      string
	Presence Presence
	Err      error
}

// NeedsCredentials reports that the registry refused to answer without
// (other) credentials: a private image, or a name that does not exist on a
// registry that hides which (Docker Hub answers 401 for both).
func (c ImageCheck) NeedsCredentials() bool {
	var terr *transport.Error
	return errors.As(c.Err, &terr) && (terr.StatusCode == http.StatusUnauthorized || terr.StatusCode == http.StatusForbidden)
}

// CheckImages asks the registries whether each image exists, all at once,
// giving up on each after timeout.
func (r Registry) CheckImages(ctx context.Context, refs []string, timeout time.Duration) []ImageCheck {
	out := make([]ImageCheck, len(refs))
	var wg sync.WaitGroup
	for i, ref := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			_, found, err := r.Digest(ctx, ref)
			switch {
			case err != nil:
				out[i] = ImageCheck{Ref: ref, Presence: Unchecked, Err: err}
			case !found:
				out[i] = ImageCheck{Ref: ref, Presence: Missing}
			default:
				out[i] = ImageCheck{Ref: ref, Presence: Present}
			}
		}()
	}
	wg.Wait()
	return out
}
