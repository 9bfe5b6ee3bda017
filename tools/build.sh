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

# build <name> <tools module dir> <package> <version> [ldflags] [link name]
build() {
  local name=$1 dir=$2 pkg=$3 ver=$4 ldflags=${5:-} link=${6:-$1}
  local out=$cache/$name/$ver/$name
  if [ ! -x "$out" ]; then
    echo "tools: building $name $ver (cached at $out)" >&2
    local start=$SECONDS
    mkdir -p "$(dirname "$out")"
    (cd "$here/$dir" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg")
    mv "$out.tmp" "$out"
    echo "tools: built $name $ver in $((SECONDS - start))s" >&2
  fi
  ln -sfn "$out" "$bin/$link"
}

# build_own_module <name> <module> <version> <ldflags> [prepare command]:
# builds a module's main package inside its own module directory (a writable
# copy of what `go mod download` gives), where its go.mod applies with its
# local replace directives, which a consumer module cannot honour.
build_own_module() {
  local name=$1 mod=$2 ver=$3 ldflags=$4 prepare=${5:-}
  local out=$cache/$name/$ver/$name
  if [ ! -x "$out" ]; then
    echo "tools: building $name $ver in its own module (cached at $out)" >&2
    local start=$SECONDS src work
    mkdir -p "$(dirname "$out")"
    src=$(cd "$cache" && go mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    if [ -z "$src" ] || [ ! -f "$src/go.mod" ]; then
      echo "tools: go mod download $mod@$ver gave no module directory" >&2
      exit 1
    fi
    work=$(mktemp -d "$cache/$name/$ver/src.XXXXXX")
    cp -R "$src/." "$work"
    chmod -R u+w "$work"
    if [ -n "$prepare" ]; then (cd "$work" && "$prepare"); fi
    (cd "$work" && go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" .)
    rm -rf "$work"
    mv "$out.tmp" "$out"
    echo "tools: built $name $ver in $((SECONDS - start))s" >&2
  fi
  ln -sfn "$out" "$bin/$name"
}

# Terraform's go.mod replaces its remote-state backends (azurerm, consul, cos,
# gcs, kubernetes, oci, oss, pg, s3) with modules nested in its repository.
# Module zips leave nested modules out, and the module proxy has none at a
# release's commit, so the build drops those backends from the list the CLI
# knows; local, remote, cloud, http and inmem stay. Tests keep state locally.
terraform_without_nested_backends() {
  local f=internal/backend/init/init.go pattern='backend(Azure|Consul|Cos|GCS|Kubernetes|OCI|OSS|Pg|S3)[ .]'
  local n; n=$(grep -cE "$pattern" "$f" || true)
  if [ "$n" != 18 ]; then
    echo "tools: $f has $n lines naming the nested backends, not 18 (an import and an entry each): check the new release" >&2
    exit 1
  fi
  sed -i -E "/$pattern/d" "$f"
}

# The newest Terraform, for the whole acceptance suite; tools/terraform pins
# the oldest one tested (terraform-1.8.5, for a smoke set).
terraform_version=v1.13.3

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

# Cloud providers (hashicorp/google, aws, azurerm) are built from the module proxy
# inside their own module directory, so that their go.mod and go.sum, not ours,
# pin their dependencies. The proxy serves pseudo-versions of main, not releases;
# each is put in a filesystem mirror (tools/mirror) under the release it follows,
# which is what the modules' required_providers constraints admit.
# cloud_provider <type> <go module> <pseudo-version> <release it follows>
cloud_provider() {
  local type=$1 mod=$2 ver=$3 release=$4
  local name=terraform-provider-$type
  local out=$cache/$name/$ver/$name
  if [ ! -x "$out" ]; then
    local dir
    dir=$(cd "$cache" && go mod download -json "$mod@$ver" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
    [ -n "$dir" ] || { echo "tools: go mod download $mod@$ver gave no module directory" >&2; exit 1; }
    echo "tools: building $name $ver (cached at $out)" >&2
    local start=$SECONDS
    mkdir -p "$(dirname "$out")"
    (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out.tmp" .)
    mv "$out.tmp" "$out"
    echo "tools: built $name $ver in $((SECONDS - start))s" >&2
  fi
  ln -sfn "$out" "$bin/$name"
  # Unpacked filesystem-mirror layout: <host>/<namespace>/<type>/<version>/<os_arch>/,
  # under both hosts: OpenTofu resolves hashicorp/google to registry.opentofu.org.
  local platform host
  platform=$(go env GOOS)_$(go env GOARCH)
  for host in registry.terraform.io registry.opentofu.org; do
    mkdir -p "$here/mirror/$host/hashicorp/$type/$release/$platform"
    ln -sfn "$out" "$here/mirror/$host/hashicorp/$type/$release/$platform/${name}_v$release"
  done
}

all=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok terraform terraform-1.8.5 tofu tfplugindocs goreleaser actionlint)
names=("$@"); [ ${#names[@]} -gt 0 ] || names=("${all[@]}")
for name in "${names[@]}"; do
  case $name in
    kube-apiserver|kube-controller-manager|kube-scheduler)
      v=$(version kube k8s.io/kubernetes)
      build "$name" kube "k8s.io/kubernetes/cmd/$name" "$v" "$(k8s_ldflags "$v")" ;;
    etcd)         build etcd kube ./cmd/etcd "$(version kube go.etcd.io/etcd/server/v3)" ;;
    kwok)         build kwok kwok sigs.k8s.io/kwok/cmd/kwok "$(version kwok sigs.k8s.io/kwok)" ;;
    # dev=no: report v1.13.3, not v1.13.3-dev (version checks in tests parse it).
    terraform)    build_own_module terraform github.com/hashicorp/terraform "$terraform_version" \
                    "-X github.com/hashicorp/terraform/version.dev=no" terraform_without_nested_backends ;;
    terraform-1.8.5)
                  v=$(version terraform github.com/hashicorp/terraform)
                  if [ "$v" != v1.8.5 ]; then echo "tools: tools/terraform pins $v; rename terraform-1.8.5 here and in GNUmakefile" >&2; exit 2; fi
                  build terraform terraform github.com/hashicorp/terraform "$v" \
                    "-X github.com/hashicorp/terraform/version.dev=no" terraform-1.8.5 ;;
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
    # Only for `make test-modules` (see modules/README.md): main after 8.0.0.
    terraform-provider-google)
                  cloud_provider google github.com/hashicorp/terraform-provider-google \
                    v1.20.1-0.20260828184646-f3721fb45fa3 8.0.0 ;;
    # Only for `make test-modules`: main after 6.48.0 (the aws build peaks near 9 GB).
    terraform-provider-aws)
                  cloud_provider aws github.com/hashicorp/terraform-provider-aws \
                    v1.60.1-0.20260602190131-5f2286d6d836 6.48.0 ;;
    # Only for `make test-modules`: main after 5.2.0.
    terraform-provider-azurerm)
                  cloud_provider azurerm github.com/hashicorp/terraform-provider-azurerm \
                    v1.44.1-0.20260824201233-fae580791926 5.2.0 ;;
    *) echo "tools: unknown tool $name (known: ${all[*]})" >&2; exit 2 ;;
  esac
done
