#!/usr/bin/env bash
# Builds the pinned tools the tests, docs and demo use, from the Go module proxy only,
# into a cache outside the checkout keyed by name and version:
#   ${TWOI2CHUB_TOOLS_DIR:-~/.cache/twoi2chub-tools}/<name>/<version>/<name>
# A tool already in the cache is not built again. tools/bin/ in the checkout gets
# symlinks to the cached binaries, which is where the Makefile and tests look.
# Usage: tools/build.sh [name...]   (default: everything `make test` needs)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${TWOI2CHUB_TOOLS_DIR:-$HOME/.cache/twoi2chub-tools}
bin=$here/bin
mkdir -p "$cache" "$bin"

# version <tools module dir> <go module>: the version that module's go.mod pins.
version() { (cd "$here/$1" && go list -m -f '{{.Version}}' "$2"); }

# build <name> <tools module dir> <package> <version> [ldflags]
build() {
  local name=$1 dir=$2 pkg=$3 ver=$4 ldflags=${5:-}
  local out=$cache/$name/$ver/$name
  if [ ! -x "$out" ]; then
    echo "tools: building $name $ver (cached at $out)" >&2
    local start=$SECONDS
    mkdir -p "$(dirname "$out")"
    (cd "$here/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg")
    mv "$out.tmp" "$out"
    echo "tools: built $name $ver in $((SECONDS - start))s" >&2
  fi
  ln -sfn "$out" "$bin/$name"
}

k8s_ldflags() {
  local v=$1 major minor flags=""
  major=${v#v}; major=${major%%.*}
  minor=${v#v*.}; minor=${minor%%.*}
  # Without these the servers report v0.0.0 and charts checking kubeVersion refuse them.
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $p.gitVersion=$v -X $p.gitMajor=$major -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  echo "$flags"
}


all=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok terraform tofu tfplugindocs goreleaser actionlint)
names=("$@"); [ ${#names[@]} -gt 0 ] || names=("${all[@]}")
for name in "${names[@]}"; do
  case $name in
    kube-apiserver|kube-controller-manager|kube-scheduler)
      v=$(version kube k8s.io/kubernetes)
      build "$name" kube "k8s.io/kubernetes/cmd/$name" "$v" "$(k8s_ldflags "$v")" ;;
    etcd)         build etcd kube ./cmd/etcd "$(version kube go.etcd.io/etcd/server/v3)" ;;
    kwok)         build kwok kwok sigs.k8s.io/kwok/cmd/kwok "$(version kwok sigs.k8s.io/kwok)" ;;
    terraform)    build terraform terraform github.com/hashicorp/terraform "$(version terraform github.com/hashicorp/terraform)" ;;
    # dev=no: report v1.12.6, not v1.12.6-dev (version checks in tests parse it).
    tofu)         build tofu tofu github.com/opentofu/opentofu/cmd/tofu "$(version tofu github.com/opentofu/opentofu)" \
                    "-X github.com/opentofu/opentofu/version.dev=no" ;;
    tfplugindocs) build tfplugindocs docs github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs "$(version docs github.com/hashicorp/terraform-plugin-docs)" ;;
    goreleaser)   build goreleaser goreleaser github.com/goreleaser/goreleaser/v2 "$(version goreleaser github.com/goreleaser/goreleaser/v2)" ;;
    actionlint)   build actionlint actionlint github.com/rhysd/actionlint/cmd/actionlint "$(version actionlint github.com/rhysd/actionlint)" ;;
    # Only for `make bench` (not in the default list): the provider we compare against.
    terraform-provider-helm)
                  build terraform-provider-helm helmprovider github.com/hashicorp/terraform-provider-helm \
                    "$(version helmprovider github.com/hashicorp/terraform-provider-helm)" ;;
    *) echo "tools: unknown tool $name (known: ${all[*]})" >&2; exit 2 ;;
  esac
done
