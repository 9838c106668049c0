#!/usr/bin/env bash
# Runs the SDK benchmarks against loopback servers and compares each SDK call
# with its raw net/http baseline from the same run.
#
#   scripts/bench.sh                 # COUNT=5 runs of each, 1s each
#   COUNT=10 BENCHTIME=2s scripts/bench.sh
#
# Targets (ratios from the same run; nothing here is a unit-test assert):
#   time per op, sequential:   SDK/raw <= 1.10 for UsersGet and IntegrationsList
#   throughput, 64 goroutines: raw ns/op / SDK ns/op >= 0.90
#   allocations per op:        SDK <= raw + 15
#   iterators over 100,000:    peak held heap <= 3 pages
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-1s}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "go $(go env GOVERSION), $(nproc 2>/dev/null || echo ?) CPUs, GOMAXPROCS=${GOMAXPROCS:-default}; count=$COUNT benchtime=$BENCHTIME" >&2
go test -run '^$' -bench '^Benchmark(Call|Parallel)$' -benchmem -count "$COUNT" -benchtime "$BENCHTIME" . | tee -a "$out" >&2
go test -run '^$' -bench '^BenchmarkIterate$' -benchmem -count 1 -benchtime 1x . | tee -a "$out" >&2

awk '
function sortkeys(arr, out,   n, k, i, j, t) {
  n = 0
  for (k in arr) out[++n] = k
  for (i = 2; i <= n; i++) { t = out[i]; for (j = i - 1; j >= 1 && out[j] > t; j--) out[j+1] = out[j]; out[j+1] = t }
  return n
}
function median(list,   n, a, i, j, t) {
  n = split(list, a, " ")
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j+1] = a[j]; a[j+1] = t }
  return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
/^Benchmark(Call|Parallel)\// {
  name = $1; sub(/-[0-9]+$/, "", name)
  side = name; sub(/.*\//, "", side); sub(/\/(sdk|raw)$/, "", name)
  for (i = 3; i < NF; i++) { if ($(i+1) == "ns/op") ns[name, side] = ns[name, side] " " $i; if ($(i+1) == "allocs/op") al[name, side] = al[name, side] " " $i }
  names[name] = 1
}
/^BenchmarkIterate\// {
  name = $1; sub(/-[0-9]+$/, "", name)
  for (i = 3; i < NF; i++) { if ($(i+1) == "peak-pages") held[name] = $i; if ($(i+1) == "pool-peak-pages") pool[name] = $i; if ($(i+1) == "peak-MiB") mib[name] = $i }
  iters[name] = 1
}
END {
  fail = 0
  printf "\n%-34s %12s %12s %7s %8s %8s %7s  %s\n", "benchmark (median of runs)", "sdk ns/op", "raw ns/op", "ratio", "sdk allc", "raw allc", "+allocs", "targets"
  n = sortkeys(names, sorted)
  for (k = 1; k <= n; k++) {
    nm = sorted[k]; s = median(ns[nm, "sdk"]); r = median(ns[nm, "raw"]); sa = median(al[nm, "sdk"]); ra = median(al[nm, "raw"])
    ratio = s / r; verdict = ""
    if (nm ~ /^BenchmarkCall\/(UsersGet|IntegrationsList)$/) { ok = ratio <= 1.10; verdict = verdict sprintf("time<=1.10 %s ", ok ? "ok" : "MISSED"); fail += !ok }
    if (nm ~ /^BenchmarkParallel\//) { ok = r / s >= 0.90; verdict = verdict sprintf("throughput %.2fx>=0.90 %s ", r / s, ok ? "ok" : "MISSED"); fail += !ok }
    ok = sa <= ra + 15; verdict = verdict sprintf("allocs<=raw+15 %s", ok ? "ok" : "MISSED"); fail += !ok
    printf "%-34s %12.0f %12.0f %7.2f %8.0f %8.0f %+7.0f  %s\n", nm, s, r, ratio, sa, ra, sa - ra, verdict
  }
  printf "\n%-34s %12s %14s %10s  %s\n", "iterator over 100,000 records", "peak pages", "+pool pages", "peak MiB", "target"
  split("", sorted); n = sortkeys(iters, sorted)
  for (k = 1; k <= n; k++) {
    nm = sorted[k]; ok = held[nm] <= 3; fail += !ok
    printf "%-34s %12.2f %14.2f %10.2f  held<=3 pages %s\n", nm, held[nm], pool[nm], mib[nm], ok ? "ok" : "MISSED"
  }
  if (fail) { printf "\n%d target(s) missed\n", fail; exit 1 }
  printf "\nall targets met\n"
}' "$out"
