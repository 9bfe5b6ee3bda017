package hubvalues

import (
	"strings"

	"github.com/2i2c-org/terraform-provider-twoi2chub/internal/validate"
)

// The default user image: singleuser.image.

// SplitImage splits an image reference into the name and tag z2jh expects.
// The chart joins them as name:tag in every template that uses them (the
// image puller always does, so the tag can never be empty), hence a digest
// rides on the tag: "repo:tag" -> (repo, tag); "repo:tag@sha256:x" ->
// (repo, "tag@sha256:x"); and "repo@sha256:x", which has no tag, gets one
// derived from its digest -> (repo, "sha256-<first 12 hex>@sha256:x"). A
// runtime given both a tag and a digest pulls by the digest.
func SplitImage(ref string) (name, tag string) {
	digest := ""
	if i := strings.Index(ref, "@"); i >= 0 {
		ref, digest = ref[:i], ref[i:]
	}
	// A colon after the last slash separates the tag (one before it is a registry port).
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		return ref[:i], ref[i+1:] + digest
	}
	if digest != "" {
		return ref, digestTag(digest) + digest
	}
	return ref, "latest"
}

// digestTag is the tag SplitImage gives a reference that has only a digest.
func digestTag(digest string) string {
	algo, hex, _ := strings.Cut(strings.TrimPrefix(digest, "@"), ":")
	return algo + "-" + hex[:min(12, len(hex))]
}

// JoinImage is the inverse of SplitImage.
func JoinImage(name, tag string) string {
	if tag == "" {
		return name
	}
	if t, digest, ok := strings.Cut(tag, "@"); ok && t == digestTag(digest) {
		return name + "@" + digest
	}
	return name + ":" + tag
}

func renderImage(h *Hub, b *builder) {
	if h.Image == "" {
		return
	}
	name, tag := SplitImage(h.Image)
	b.set(AttrPath{"image"}, name, "singleuser", "image", "name")
	b.set(AttrPath{"image"}, tag, "singleuser", "image", "tag")
}

func parseImage(v Values, h *Hub) {
	name, ok1 := lookupString(v, "singleuser", "image", "name")
	tag, ok2 := lookupString(v, "singleuser", "image", "tag")
	if ok1 && ok2 && name != "" {
		h.Image = JoinImage(name, tag)
	}
}

func checkImageFields(h Hub, ps *problems) {
	ps.field(AttrPath{"image"}, h.Image, validate.ImageRef)
}
