package release

import (
	"context"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// listingTTL bounds how long one cluster-wide listing answers for every hub
// of a plan. One provider process serves all the hubs of a plan, so the
// listing is made once, not once per hub; an apply in the same process
// forgets the listings it may have made stale (see forgetOwners).
const listingTTL = 20 * time.Second

// sharedListing is one cluster-wide listing, shared by every caller for
// listingTTL. Callers that arrive while it is being made wait for it rather
// than make their own.
type sharedListing[T any] struct {
	mu    sync.Mutex
	at    time.Time
	value T
	valid bool
}

// get returns the listing, made by list unless one younger than listingTTL is kept.
func (s *sharedListing[T]) get(list func() (T, error)) (T, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.valid || time.Since(s.at) > listingTTL {
		v, err := list()
		if err != nil {
			var zero T
			return zero, err
		}
		s.value, s.at, s.valid = v, time.Now(), true
	}
	return s.value, nil
}

// forget drops the listing: the next get lists again.
func (s *sharedListing[T]) forget() {
	s.mu.Lock()
	s.valid = false
	s.mu.Unlock()
}

// owner is the Helm release an object's annotations name ("" for an object
// not managed by Helm).
type owner struct{ namespace, release string }

// ownerListing maps the names of one kind of cluster-scoped objects to their
// owners; listed is false where listing them is forbidden, and each object is
// then read by itself.
type ownerListing struct {
	owners map[string]owner
	listed bool
}

// clusterListings are the cluster-wide listings a plan of many hubs shares:
// the owners of cluster-scoped objects by resource (for the collision check),
// the nodes (for the profile fit check) and the namespaces' labels (for the
// hubs' cost labels).
type clusterListings struct {
	mu     sync.Mutex
	owners map[schema.GroupVersionResource]*sharedListing[ownerListing]
	nodes  sharedListing[[]corev1.Node]
	// namespaces' labels by name (nil when listing them is forbidden)
	namespaces sharedListing[map[string]map[string]string]
}

func (l *clusterListings) ownersOf(gvr schema.GroupVersionResource) *sharedListing[ownerListing] {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.owners == nil {
		l.owners = map[schema.GroupVersionResource]*sharedListing[ownerListing]{}
	}
	s := l.owners[gvr]
	if s == nil {
		s = &sharedListing[ownerListing]{}
		l.owners[gvr] = s
	}
	return s
}

// forgetOwners drops every listing of owners: an install, upgrade or
// uninstall in this process may have created or removed cluster-scoped
// objects, and a hub planned after it (Terraform plans each resource again
// just before applying it) must see them.
func (l *clusterListings) forgetOwners() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, s := range l.owners {
		s.forget()
	}
}

// owners returns the owners of gvr's objects from one shared metadata listing.
func (c *Client) owners(ctx context.Context, gvr schema.GroupVersionResource) (ownerListing, error) {
	return c.listings.ownersOf(gvr).get(func() (ownerListing, error) {
		list, err := c.metadata.Resource(gvr).List(ctx, metav1.ListOptions{})
		if apierrors.IsForbidden(err) {
			return ownerListing{}, nil
		}
		if err != nil {
			return ownerListing{}, err
		}
		out := ownerListing{owners: make(map[string]owner, len(list.Items)), listed: true}
		for _, item := range list.Items {
			ann := item.GetAnnotations()
			out.owners[item.GetName()] = owner{ann["meta.helm.sh/release-namespace"], ann["meta.helm.sh/release-name"]}
		}
		return out, nil
	})
}

// Nodes lists the cluster's nodes, from one listing shared by every hub of
// a plan for a short time.
func (c *Client) Nodes(ctx context.Context) ([]corev1.Node, error) {
	return c.listings.nodes.get(func() ([]corev1.Node, error) {
		list, err := c.clientset.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		return list.Items, nil
	})
}
