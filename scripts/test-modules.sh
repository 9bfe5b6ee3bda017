#!/usr/bin/env bash
# make test-modules: every module and stack, checked offline against the real
# cloud providers built from the Go module proxy (tools/build.sh) and served
# from a filesystem mirror, with the twoi2chub provider from this checkout.
# For each row: modulelint and moduledocs -check; then for each of its CLIs
# `fmt -check`, `init`, `validate` and `test` (tests/*.tftest.hcl: plans with
# assertions, and bad-input runs), validationcheck (each validation rule fires
# with its own message) and plancheck (the row's whole plan: labels on every
# resource that takes them, what must be planned while the cluster is unknown).
#
# TEST_MODULES_SKIP_PROVIDERS="p ..." with TEST_MODULES_SKIP_REASON leaves out
# the rows of those providers, saying why.
# TEST_MODULES_BUDGET_MINUTES=N (set by .ci/run): rows whose cloud provider is
# not cached and whose cold build does not fit in N minutes (or in the free
# memory) are skipped, in one line that says so. Unset: every row runs.
# --list prints the rows' directories; --dry-run what would be built and skipped.
# DIR... (after any option): only the rows of those directories, e.g.
#   scripts/test-modules.sh modules/aks examples/stacks/aks
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# One row per module or stack, fields separated by "|":
#   directory | cloud provider (a tools/build.sh name) | CLIs | plancheck arguments
rows=(
  "modules/gke         | terraform-provider-google | terraform tofu | -run everything.tftest.hcl:everything -label twoi2chub-community"
  # The stacks' write-only client secret needs Terraform 1.11 or OpenTofu 1.11:
  # tools/bin/terraform is 1.13.3.
  "examples/stacks/gke | terraform-provider-google | terraform tofu | -run stack.tftest.hcl:filestore_dns_image -label twoi2chub-community -create twoi2chub_hub.this -create twoi2chub_auth.github -create twoi2chub_user_image.environment[0] -unknown module.gke.google_container_cluster.this:endpoint"
  "modules/eks         | terraform-provider-aws | terraform tofu | -run everything.tftest.hcl:everything -label twoi2chub-community"
  "modules/aks         | terraform-provider-azurerm | terraform tofu | -run everything.tftest.hcl:everything -label twoi2chub-community"
  "examples/stacks/eks | terraform-provider-aws | terraform tofu | -run stack.tftest.hcl:efs_image_gpu -label twoi2chub-community -create twoi2chub_hub.this -create twoi2chub_auth.github -create twoi2chub_user_image.environment[0] -unknown module.eks.aws_eks_cluster.this:endpoint"
  "examples/stacks/aks | terraform-provider-azurerm | terraform tofu | -run stack.tftest.hcl:files_registry_image -label twoi2chub-community -create twoi2chub_hub.this -create twoi2chub_auth.github -create twoi2chub_user_image.environment[0] -unknown module.aks.azurerm_kubernetes_cluster.this:fqdn"
)

# Only the rows asked for, if any.
mode=
case ${1:-} in --list|--dry-run) mode=$1; shift ;; esac
if [ $# -gt 0 ]; then
  wanted=("$@")
  all_rows=("${rows[@]}")
  rows=()
  for row in "${all_rows[@]}"; do
    for w in "${wanted[@]}"; do
      [ "${row%%[[:space:]|]*}" = "${w%/}" ] && rows+=("$row")
    done
  done
  [ ${#rows[@]} -gt 0 ] || { echo "test-modules: no row for $*" >&2; exit 2; }
fi

# Cold build of each cloud provider on the 2-core CI machine: minutes and peak
# GiB of memory (see modules/README.md).
declare -A cold_minutes=([terraform-provider-google]=12 [terraform-provider-azurerm]=19 [terraform-provider-aws]=36)
declare -A peak_gib=([terraform-provider-google]=2 [terraform-provider-azurerm]=4 [terraform-provider-aws]=10)

field() { # field <row> <n>: the row's n-th field, trimmed
  local fields v
  IFS='|' read -r -a fields <<<"$1"
  v=${fields[$2]}
  v=${v#"${v%%[![:space:]]*}"}
  echo "${v%"${v##*[![:space:]]}"}"
}

if [ "$mode" = --list ]; then
  for row in "${rows[@]}"; do field "$row" 0; done
  exit 0
fi

tools_cache=${TWOI2CHUB_TOOLS_DIR:-$HOME/.cache/twoi2chub-tools}
cached() { compgen -G "$tools_cache/$1/*/$1" >/dev/null; }
mem_available_gib() { awk '/^MemAvailable:/ { printf "%d", $2 / 1048576 }' /proc/meminfo; }

# Which cloud providers to build: cached ones always, others while they fit.
declare -A skip=()
providers=()
for row in "${rows[@]}"; do
  p=$(field "$row" 1)
  [[ " ${providers[*]} " == *" $p "* ]] || providers+=("$p")
done
budget=${TEST_MODULES_BUDGET_MINUTES:-}
for p in "${providers[@]}"; do
  if [[ " ${TEST_MODULES_SKIP_PROVIDERS:-} " == *" $p "* ]]; then
    skip[$p]="is left out by .ci/run: ${TEST_MODULES_SKIP_REASON:-asked}"
    continue
  fi
  if [ -z "$budget" ] || cached "$p"; then continue; fi
  minutes=${cold_minutes[$p]:?no cold build time for $p in scripts/test-modules.sh}
  gib=${peak_gib[$p]:?no peak memory for $p in scripts/test-modules.sh}
  if [ "$minutes" -gt "$budget" ]; then
    skip[$p]="is not cached and its cold build (about $minutes min, $gib GiB) does not fit the $budget min CI has left"
  elif [ "$(mem_available_gib)" -lt "${gib%.*}" ]; then
    skip[$p]="is not cached and its cold build needs about $gib GiB and $(mem_available_gib) GiB are free"
  else
    budget=$((budget - minutes))
  fi
done
report_skipped() {
  for p in "${!skip[@]}"; do
    skipped=()
    for row in "${rows[@]}"; do
      [ "$(field "$row" 1)" = "$p" ] && skipped+=("$(field "$row" 0)")
    done
    echo "test-modules: skipped ${skipped[*]}: $p ${skip[$p]}; make test-modules checks them"
  done
}
build=()
for p in "${providers[@]}"; do [ -n "${skip[$p]:-}" ] || build+=("$p"); done
if [ "$mode" = --dry-run ]; then
  echo "test-modules: would build or link ${build[*]:-no cloud provider}"
  report_skipped
  exit 0
fi
tools/build.sh terraform tofu "${build[@]}"
go build -o bin/terraform-provider-twoi2chub .

# The CLI configuration: cloud providers from tools/mirror, twoi2chub from bin/
# (through a mirror of its own, as the release CHANGELOG.md prepares, which
# examples pin, so that `init` finds it; and a development override, as
# scripts/demo.sh does), and nothing from the network.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
next=$(sed -n 's/^## \([0-9][0-9.]*\) .*/\1/p' CHANGELOG.md | head -n 1)
platform=$(go env GOOS)_$(go env GOARCH)
for host in registry.terraform.io registry.opentofu.org; do
  mkdir -p "$work/mirror/$host/2i2c-org/twoi2chub/$next/$platform"
  cp bin/terraform-provider-twoi2chub "$work/mirror/$host/2i2c-org/twoi2chub/$next/$platform/"
done
cat >"$work/cli.tfrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/2i2c-org/twoi2chub"  = "$root/bin"
    "registry.opentofu.org/2i2c-org/twoi2chub" = "$root/bin"
  }
  filesystem_mirror {
    path    = "$work/mirror"
    include = ["registry.terraform.io/2i2c-org/twoi2chub", "registry.opentofu.org/2i2c-org/twoi2chub"]
  }
  filesystem_mirror {
    path    = "$root/tools/mirror"
    include = ["registry.terraform.io/hashicorp/*", "registry.opentofu.org/hashicorp/*"]
  }
  direct {
    exclude = ["registry.terraform.io/*/*", "registry.opentofu.org/*/*"]
  }
}
EOF
export TF_CLI_CONFIG_FILE=$work/cli.tfrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# No cloud credentials: the tests' provider blocks carry a fake token, and
# stacks planned whole by plancheck (their own provider blocks) get it here.
unset GOOGLE_APPLICATION_CREDENTIALS GOOGLE_CREDENTIALS
export GOOGLE_OAUTH_ACCESS_TOKEN=fake
# AWS: the tests' provider blocks carry fake static keys and skip STS; stacks
# planned whole (their own provider blocks, which cannot skip STS from the
# environment) get fake keys here and a loopback stand-in for STS
# (internal/cmd/stsendpoint). Nothing from the machine's own profile or
# instance role is read.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_CONFIG_FILE AWS_SHARED_CREDENTIALS_FILE
export AWS_ACCESS_KEY_ID=AKIAOFFLINEPLAN00000 AWS_SECRET_ACCESS_KEY=offline-plan-not-a-secret
export AWS_EC2_METADATA_DISABLED=true
# Azure: a managed identity token from a loopback endpoint of our own
# (internal/cmd/msiendpoint), all-zero IDs, no Azure CLI, no provider
# registration: plans make no outbound call.
export ARM_USE_MSI=true ARM_USE_CLI=false ARM_RESOURCE_PROVIDER_REGISTRATIONS=none
export ARM_TENANT_ID=00000000-0000-0000-0000-000000000000 ARM_SUBSCRIPTION_ID=00000000-0000-0000-0000-000000000000

dirs=()
for row in "${rows[@]}"; do
  [ -n "${skip[$(field "$row" 1)]:-}" ] || dirs+=("$(field "$row" 0)")
done
if [ ${#dirs[@]} -eq 0 ]; then
  report_skipped
  exit 0
fi
mkdir -p "$work/bin"
go build -o "$work/bin/" ./internal/cmd/modulelint ./internal/cmd/moduledocs ./internal/cmd/validationcheck \
  ./internal/cmd/plancheck ./internal/cmd/moduleworkcopy ./internal/cmd/msiendpoint ./internal/cmd/stsendpoint
"$work/bin/msiendpoint" -url-file "$work/msi-url" &
msi_pid=$!
"$work/bin/stsendpoint" -url-file "$work/sts-url" &
sts_pid=$!
trap 'kill $msi_pid $sts_pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do [ -s "$work/msi-url" ] && [ -s "$work/sts-url" ] && break; sleep 0.1; done
ARM_MSI_ENDPOINT=$(cat "$work/msi-url")
AWS_ENDPOINT_URL_STS=$(cat "$work/sts-url")
export ARM_MSI_ENDPOINT AWS_ENDPOINT_URL_STS
"$work/bin/modulelint" "${dirs[@]}"
"$work/bin/moduledocs" -check "${dirs[@]}"

for row in "${rows[@]}"; do
  dir=$(field "$row" 0)
  [ -z "${skip[$(field "$row" 1)]:-}" ] || continue
  read -r -a plancheck_args <<<"$(field "$row" 3)"
  for cli in $(field "$row" 2); do
    start=$SECONDS
    echo "test-modules: $dir with $cli"
    "tools/bin/$cli" fmt -check -recursive "$dir"
    # A copy whose pinned sources of this repository's modules point at modules/.
    copy=$work/rows/$cli/${dir//\//_}
    "$work/bin/moduleworkcopy" -modules "$root/modules" "$dir" "$copy"
    "tools/bin/$cli" -chdir="$copy" init -backend=false -input=false -no-color >"$work/init.log" 2>&1 || {
      cat "$work/init.log"
      exit 1
    }
    "tools/bin/$cli" -chdir="$copy" validate -no-color >/dev/null
    "tools/bin/$cli" -chdir="$copy" test -no-color | grep -v '^  run .*\.\.\. pass$'
    "$work/bin/validationcheck" -cli "tools/bin/$cli" "$copy"
    if [ "${plancheck_args[*]}" = "-" ]; then
      echo "test-modules: $dir: no whole-plan check (see its row in scripts/test-modules.sh); its tests ran"
    else
      "$work/bin/plancheck" -cli "tools/bin/$cli" "${plancheck_args[@]}" "$copy"
    fi
    echo "test-modules: $dir with $cli passed in $((SECONDS - start))s"
  done
done

report_skipped
