#!/usr/bin/env bash
# make bench: a no-op plan over 1, 10 and 50 hubs on the local control plane,
# compared with the same releases as helm_release resources of
# hashicorp/terraform-provider-helm. BENCH_HUBS, BENCH_RUNS and BENCH_CLI
# (terraform or tofu) adjust it; BENCH_NO_HELM=1 skips the comparison.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
helm_flag=()
if [ -z "${BENCH_NO_HELM:-}" ]; then
  tools/build.sh terraform-provider-helm
  helm_flag=(-helm-provider tools/bin/terraform-provider-helm)
fi
go run ./internal/cmd/hubbench -hubs "${BENCH_HUBS:-1,10,50}" -runs "${BENCH_RUNS:-3}" \
  -cli "tools/bin/${BENCH_CLI:-terraform}" -provider-dir bin "${helm_flag[@]}"
