#!/usr/bin/env bash
# make demo: start the local control plane, then `terraform init` and `apply`
# examples/demo with the provider just built (dev_overrides), print what was
# created, and tear everything down. DEMO_KEEP=1 leaves the cluster and state
# in .demo/ and prints how to stop it. DEMO_CLI=tofu uses OpenTofu.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
demo=$root/.demo
cli=${DEMO_CLI:-terraform}
tf=$root/tools/bin/$cli
export CHECKPOINT_DISABLE=1

rm -rf "$demo" && mkdir -p "$demo/work" "$demo/mirror"
go build -o "$demo/testbed" ./internal/cmd/testbed

# The provider reaches the registry address through a filesystem mirror (so
# `init` works offline and writes a lock file) and runs from bin/ through
# dev_overrides (so a rebuilt provider is used without re-init). The mirror
# holds it as the release CHANGELOG.md prepares, which the example's
# `version = "~> 0.1"` must admit, as it must admit the published release.
version=$(awk '/^## [0-9]/ { print $2; exit }' CHANGELOG.md)
plat=$(go env GOOS)_$(go env GOARCH)
for host in registry.terraform.io registry.opentofu.org; do
  mkdir -p "$demo/mirror/$host/2i2c-org/twoi2chub/$version/$plat"
  cp bin/terraform-provider-twoi2chub "$demo/mirror/$host/2i2c-org/twoi2chub/$version/$plat/"
done
cat > "$demo/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "2i2c-org/twoi2chub" = "$root/bin"
  }
  filesystem_mirror {
    path    = "$demo/mirror"
    include = ["registry.terraform.io/2i2c-org/twoi2chub", "registry.opentofu.org/2i2c-org/twoi2chub"]
  }
}
CFG
export TF_CLI_CONFIG_FILE=$demo/cli.tfrc

echo "demo: starting the local control plane"
"$demo/testbed" -kubeconfig "$demo/kubeconfig" -builds "$demo/builds.env" > "$demo/testbed.log" 2>&1 &
testbed_pid=$!
stop() {
  if [ -z "${DEMO_KEEP:-}" ]; then
    kill "$testbed_pid" 2>/dev/null || true
    wait "$testbed_pid" 2>/dev/null || true
  fi
}
trap stop EXIT
for _ in $(seq 1 600); do
  [ -f "$demo/kubeconfig" ] && break
  kill -0 "$testbed_pid" 2>/dev/null || { cat "$demo/testbed.log"; exit 1; }
  sleep 0.1
done
[ -f "$demo/kubeconfig" ] || { echo "demo: the control plane did not start"; cat "$demo/testbed.log"; exit 1; }
grep '^testbed: ready' "$demo/testbed.log" || true
export KUBE_CONFIG_PATH=$demo/kubeconfig
# The environment repository and registry the stand-in build pod serves.
source "$demo/builds.env"
export TF_VAR_chart_path=$root/testdata/charts/jupyterhub
export TWOI2CHUB_CACHE_DIR=$demo/cache

cp examples/demo/*.tf "$demo/work/"
cd "$demo/work"
echo "demo: $cli init"
"$tf" init -input=false -no-color > "$demo/init.log" 2>&1 || { cat "$demo/init.log"; exit 1; }
grep -E 'Installed|successfully initialized' "$demo/init.log" || true
echo "demo: $cli apply"
start=$SECONDS
"$tf" apply -input=false -auto-approve -no-color > "$demo/apply.log" 2>&1 || { cat "$demo/apply.log"; exit 1; }
grep -E '^(data\.)?twoi2chub_[a-z_]+\.[a-z_]+: (Creation|Read) complete|^Apply complete|^Warning:' "$demo/apply.log" || true
echo "demo: applied in $((SECONDS - start))s"
echo
echo "demo: what was created ($cli state list, $cli output):"
"$tf" state list
"$tf" output -no-color
echo
echo "demo: a second plan shows no changes:"
"$tf" plan -input=false -no-color -detailed-exitcode > "$demo/plan.log" 2>&1 && echo "  No changes." || { cat "$demo/plan.log"; exit 1; }

if [ -n "${DEMO_KEEP:-}" ]; then
  cat <<MSG

demo: the cluster is still running (pid $testbed_pid). To use it:
  export KUBE_CONFIG_PATH=$demo/kubeconfig TF_CLI_CONFIG_FILE=$demo/cli.tfrc
  cd $demo/work && $tf plan
To tear down:
  (cd $demo/work && $tf destroy -auto-approve) ; kill $testbed_pid
MSG
else
  echo "demo: $cli destroy"
  "$tf" destroy -input=false -auto-approve -no-color | tail -n 1
  echo "demo: stopping the control plane (DEMO_KEEP=1 keeps it running)"
fi
