#!/usr/bin/env bash
# make bench: plans and applies over 1, 10 and 50 hubs of the real
# zero-to-jupyterhub chart on the local control plane, against the floor (a
# do-nothing provider with the hub's schema) and hashicorp/terraform-provider-helm;
# then the provider's apply path against a bare Helm SDK upgrade (a Go
# benchmark), and the top of CPU profiles of the largest plans.
# The hubs are also planned beside a twoi2chub_cluster_support of every
# component (the real charts of ../shared/charts/repo): the bench fails when
# the hubs' reads grow beside it or its own refresh reads more than it should.
# BENCH_HUBS, BENCH_RUNS and BENCH_CLI (terraform, terraform-1.8.5 or tofu) adjust it;
# BENCH_NO_HELM=1 skips the helm provider, BENCH_NO_SUPPORT=1 the support services.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
go build -o bin/terraform-provider-nullhub ./internal/cmd/nullhub
helm_flag=()
if [ -z "${BENCH_NO_HELM:-}" ]; then
  tools/build.sh terraform-provider-helm
  helm_flag=(-helm-provider tools/bin/terraform-provider-helm)
fi
support_flag=(-support)
if [ -n "${BENCH_NO_SUPPORT:-}" ]; then
  support_flag=()
fi
profiles=$(mktemp -d)
trap 'rm -rf "$profiles"' EXIT
go run ./internal/cmd/hubbench -hubs "${BENCH_HUBS:-1,10,50}" -runs "${BENCH_RUNS:-3}" \
  -cli "tools/bin/${BENCH_CLI:-terraform}" -provider bin/terraform-provider-twoi2chub \
  -null-provider bin/terraform-provider-nullhub -profile-dir "$profiles" "${helm_flag[@]}" "${support_flag[@]}"

echo
echo "Apply path against a bare Helm SDK upgrade of the same release (real chart, 5 upgrades each):"
TWOI2CHUB_TESTBED=1 go test -count=1 -run '^$' -bench '^BenchmarkUpgrade$' -benchtime 5x ./internal/release/ |
  awk '/^BenchmarkUpgrade\/helm-sdk/ {h=$3} /^BenchmarkUpgrade\/twoi2chub/ {t=$3}
       END { if (h && t) printf "  helm SDK %.2fs, twoi2chub %.2fs per upgrade: ratio %.2f (goal: at most 1.10)\n", h/1e9, t/1e9, t/h;
             else { print "  the benchmark did not run"; exit 1 } }'

for p in "$profiles"/*.pprof; do
  [ -s "$p" ] || continue
  echo
  echo "CPU profile of the provider, $(basename "$p" .pprof) (top by cumulative time):"
  go tool pprof -top -cum -nodecount=25 bin/terraform-provider-twoi2chub "$p" 2>/dev/null | sed -n '1,35p'
done
