#!/usr/bin/env bash
# make release-check: lint the workflows with actionlint, check .goreleaser.yml,
# then build a snapshot release into a temporary directory, signed with a
# throwaway GPG key, and check that its files are what the Terraform and
# OpenTofu registries ingest (internal/distcheck): zip names, the binary in
# each zip built for its platform, SHA256SUMS covering every zip and the
# manifest, the manifest's protocol 6.0, and a signature gpg verifies.
#
# RELEASE_CHECK_TARGETS="linux_amd64 darwin_arm64 windows_amd64" builds only
# those platforms (`make release-check`, and so CI, does: each platform is a
# full cross-compile, and 13 take far longer on 2 cores); unset or empty, all.
# The real release always builds every platform .goreleaser.yml lists, which
# a unit test holds to the registries' list.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bin=$root/tools/bin

echo "release-check: actionlint .github/workflows"
"$bin/actionlint"

# The workflow must run the goreleaser this check runs.
pinned=$(cd tools/goreleaser && go list -m -f '{{.Version}}' github.com/goreleaser/goreleaser/v2)
if ! grep -q "version: $pinned\$" .github/workflows/release.yml; then
  echo "release-check: .github/workflows/release.yml must run goreleaser $pinned (tools/goreleaser/go.mod pins it)" >&2
  exit 1
fi

echo "release-check: goreleaser check"
"$bin/goreleaser" check
# The real configuration builds every platform the registries want, and the
# manifest declares protocol 6.0.
go test -count=1 -run '^TestRepository' ./internal/distcheck

tmp=$(mktemp -d)
export GNUPGHOME=$tmp/gnupg
cleanup() {
  gpgconf --kill gpg-agent 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/releasecheck" ./internal/cmd/releasecheck
version=$("$tmp/releasecheck" next)
# The snapshot's notes come from CHANGELOG.md as a release's would.
"$tmp/releasecheck" notes -unreleased "v$version" > "$tmp/release-notes.md"

# A throwaway signing key, as the workflow imports the real one.
command -v gpg >/dev/null || { echo "release-check: needs gpg (apt-get install gnupg)" >&2; exit 1; }
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key "twoi2chub release-check <release-check@example.invalid>" ed25519 sign never
GPG_FINGERPRINT=$(gpg --list-secret-keys --with-colons | awk -F: '/^fpr/ { print $10; exit }')
export GPG_FINGERPRINT

# The same configuration, writing into the temporary directory and, with
# RELEASE_CHECK_TARGETS, building only those platforms (goreleaser's
# `targets` overrides goos, goarch and ignore).
config=$tmp/goreleaser.yml
targets=${RELEASE_CHECK_TARGETS:-}
# The snapshot is named after the release CHANGELOG.md prepares (goreleaser
# would take it from git tags, and falls back to 0.0.0 where it cannot read them).
awk -v targets="$targets" -v version="$version" '
  /^    binary: / && targets != "" { n = split(targets, t, " "); printf "    targets: ["; for (i = 1; i <= n; i++) printf "%s%s", (i > 1 ? ", " : ""), t[i]; print "]" }
  /^  version_template: / { print "  version_template: \"" version "-snapshot\""; next }
  { print }
' .goreleaser.yml > "$config"
grep -q "version_template: \"$version-snapshot\"" "$config" || { echo "release-check: .goreleaser.yml lost its snapshot.version_template" >&2; exit 1; }
echo "dist: $tmp/dist" >> "$config"

echo "release-check: goreleaser release --snapshot ${targets:+(only $targets)}"
start=$SECONDS
# A cold Go build cache makes each platform a full cross-compile: allow more
# than goreleaser's default hour on a busy 2-core machine.
"$bin/goreleaser" release --snapshot --clean --skip=publish --timeout 2h \
  --config "$config" --release-notes "$tmp/release-notes.md" > "$tmp/goreleaser.log" 2>&1 \
  || { cat "$tmp/goreleaser.log"; exit 1; }
echo "release-check: snapshot built in $((SECONDS - start))s"

sums=$tmp/dist/terraform-provider-twoi2chub_${version}-snapshot_SHA256SUMS
gpg --batch --quiet --verify "$sums.sig" "$sums"
"$tmp/releasecheck" dist -dir "$tmp/dist" -version "$version-snapshot" -signed ${targets:+-platforms "${targets// /,}"}
