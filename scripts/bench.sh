#!/usr/bin/env bash
# Runs the SDK benchmarks against loopback servers in interleaved rounds and
# compares each SDK call with its raw net/http baseline round by round.
#
#   scripts/bench.sh                       # 15 rounds of 1s per side, then the table
#   ROUNDS=5 BENCHTIME=500ms scripts/bench.sh
#   SCALE=1 scripts/bench.sh               # iterators over 10k, 100k and 1M records, TokenCache memory
#   go run ./scripts/mockload              # alloy mock under 1,000,000 requests (separately)
#   TESTBIN=/tmp/old.test scripts/bench.sh # a test binary built from another commit (go test -c)
#   ONLY=iterate SCALE=1 scripts/bench.sh  # only the iterators
#
# Method: one test binary runs BenchmarkCall and BenchmarkParallel with
# ALLOY_BENCH_ROUNDS=$ROUNDS: round r runs, for each call, its SDK side and
# its raw side back to back (SDK first in odd rounds, raw first in even
# ones), as BenchmarkCall/r<NN>/<Op>/{sdk,raw}. A ratio is taken within a
# round; the table shows the median of the rounds and their range
# (min-max). Nothing here is a unit-test assert.
#
# Targets, on the medians; the script exits 1 when one is missed:
#   sequential time per call:   SDK/raw <= 1.05
#   throughput, 64 goroutines:  raw ns/op / SDK ns/op >= 0.95
#   allocations per call:       SDK <= raw + 8 (TestCallAllocations asserts it in CI)
#   iterators:                  held heap <= 3 pages, whatever the number of records
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-15}
BENCHTIME=${BENCHTIME:-1s}
ONLY=${ONLY:-}
if [ "${SCALE:-}" = 1 ]; then ITERATE=${ITERATE:-10k,100k,1M}; else ITERATE=${ITERATE:-100k}; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out="$work/bench.txt"

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)
echo "go $(go env GOVERSION), $cpu, $(nproc 2>/dev/null || echo ?) CPUs, GOMAXPROCS=${GOMAXPROCS:-default}; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)" >&2
echo "rounds=$ROUNDS benchtime=$BENCHTIME iterate=$ITERATE" >&2
if [ -n "${TESTBIN:-}" ]; then # a test binary built elsewhere, e.g. of another commit
  cp "$TESTBIN" "$work/alloy.test"
else
  go test -c -o "$work/alloy.test" .
fi
if [ "$ONLY" != iterate ]; then
  ALLOY_BENCH_ROUNDS=$ROUNDS "$work/alloy.test" -test.run '^$' -test.bench '^Benchmark(Call|Parallel)$' \
    -test.benchmem -test.count 1 -test.benchtime "$BENCHTIME" | tee -a "$out" >&2
fi
if [ "$ONLY" != calls ]; then
  ALLOY_BENCH_ITERATE=$ITERATE "$work/alloy.test" -test.run '^$' -test.bench '^BenchmarkIterate$' \
    -test.benchmem -test.count 1 -test.benchtime 1x | tee -a "$out" >&2
fi
if [ "${SCALE:-}" = 1 ]; then
  "$work/alloy.test" -test.run '^$' -test.bench '^BenchmarkTokenCacheMemory$' -test.count 1 -test.benchtime 1x | tee -a "$out" >&2
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo ?)" >&2

awk '
function isort(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] + 0 > t + 0; j--) a[j+1] = a[j]; a[j+1] = t } }
function ssort(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j+1] = a[j]; a[j+1] = t } }
function median(a, n) { isort(a, n); return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
# BenchmarkCall/r03/UsersGet/sdk-2   30000   41000 ns/op   8500 B/op   101 allocs/op
/^Benchmark(Call|Parallel)\/r[0-9]+\// {
  name = $1; sub(/-[0-9]+$/, "", name); split(name, p, "/")
  kind = p[1]; sub(/^Benchmark/, "", kind); key = kind "/" p[3]; round = p[2]; sd = p[4]
  for (i = 3; i < NF; i++) {
    if ($(i+1) == "ns/op") ns[key, round, sd] = $i
    if ($(i+1) == "allocs/op") al[key, round, sd] = $i
    if ($(i+1) == "cpu-ns/op") cpu[key, round, sd] = $i
  }
  if (!(key in keys)) { keys[key] = 1; nk++; klist[nk] = key }
  if (!((key, round) in seen)) { seen[key, round] = 1; nr[key]++; rl[key, nr[key]] = round }
}
/^BenchmarkTokenCacheMemory/ {
  for (i = 3; i < NF; i++) { if ($(i+1) == "bytes/user") tc_user = $i; if ($(i+1) == "jwt-bytes") tc_jwt = $i }
}
# BenchmarkIterate/Logs/100k-2  1  ...  ns/record ... peak-pages ...
/^BenchmarkIterate\// {
  name = $1; sub(/-[0-9]+$/, "", name); sub(/^BenchmarkIterate\//, "", name)
  for (i = 3; i < NF; i++) {
    if ($(i+1) == "ns/record") it_ns[name] = $i
    if ($(i+1) == "peak-pages") it_held[name] = $i
    if ($(i+1) == "pool-peak-pages") it_pool[name] = $i
    if ($(i+1) == "peak-MiB") it_mib[name] = $i
    if ($(i+1) == "end-MiB") it_end[name] = $i
  }
  ni++; ilist[ni] = name
}
END {
  fail = 0
  if (nk) {
    printf "\n%-26s %6s %11s %11s %22s %7s %9s %9s %7s  %s\n", "benchmark", "rounds", "sdk ns/op", "raw ns/op", "median [min-max]", "cpu", "sdk alloc", "raw alloc", "+allocs", "targets"
    ssort(klist, nk)
    for (k = 1; k <= nk; k++) {
      key = klist[k]; n = 0
      for (j = 1; j <= nr[key]; j++) {
        r = rl[key, j]
        if (!((key, r, "sdk") in ns) || !((key, r, "raw") in ns)) continue
        n++; s[n] = ns[key, r, "sdk"]; w[n] = ns[key, r, "raw"]; sa[n] = al[key, r, "sdk"]; ra[n] = al[key, r, "raw"]
        x[n] = (key ~ /^Parallel/) ? w[n] / s[n] : s[n] / w[n]
        y[n] = (cpu[key, r, "raw"] > 0) ? cpu[key, r, "sdk"] / cpu[key, r, "raw"] : 0
      }
      if (!n) continue
      ms = median(s, n); mw = median(w, n); msa = median(sa, n); mra = median(ra, n)
      m = median(x, n); lo = x[1]; hi = x[n] # x is sorted by median()
      mc = median(y, n)
      if (key ~ /^Parallel/) { ok = m >= 0.95; verdict = sprintf("throughput %.3fx >= 0.95 %s", m, ok ? "ok" : "MISSED"); what = "x" }
      else { ok = m <= 1.05; verdict = sprintf("time %.3f <= 1.05 %s", m, ok ? "ok" : "MISSED"); what = "" }
      fail += !ok
      ok = msa <= mra + 8; verdict = verdict sprintf(", allocs <= raw+8 %s", ok ? "ok" : "MISSED"); fail += !ok
      cpucol = (mc > 0) ? sprintf("%7.3f", mc) : sprintf("%7s", "-")
      printf "%-26s %6d %11.0f %11.0f %6.3f%s [%.3f-%.3f] %s %9.0f %9.0f %+7.0f  %s\n", key, n, ms, mw, m, what, lo, hi, cpucol, msa, mra, msa - mra, verdict
    }
    print "(Call: SDK/raw time per call; Parallel: throughput, raw ns/op / SDK ns/op; medians of the rounds and [their range]."
    print " cpu: SDK/raw process CPU time per call, median; informational, steadier than time on a busy machine.)"
  }
  if (ni) {
    printf "\n%-22s %11s %11s %10s %9s %9s  %s\n", "iterator", "ns/record", "held pages", "+pool pgs", "held MiB", "end MiB", "target"
    for (k = 1; k <= ni; k++) {
      nm = ilist[k]; ok = it_held[nm] <= 3; fail += !ok
      printf "%-22s %11.0f %11.2f %10.2f %9.2f %9.3f  held <= 3 pages %s\n", nm, it_ns[nm], it_held[nm], it_pool[nm], it_mib[nm], it_end[nm], ok ? "ok" : "MISSED"
    }
  }
  if (ni) {
    # Time per record at the largest size over the smallest, per iterator:
    # linear time keeps it near 1.
    for (k = 1; k <= ni; k++) { nm = ilist[k]; it = nm; sub(/\/.*/, "", it); sz = nm; sub(/.*\//, "", sz)
      v = (sz == "10k") ? 1e4 : (sz == "100k") ? 1e5 : 1e6
      if (!(it in lo_n) || v < lo_n[it]) { lo_n[it] = v; lo_ns[it] = it_ns[nm] }
      if (!(it in hi_n) || v > hi_n[it]) { hi_n[it] = v; hi_ns[it] = it_ns[nm] } }
    for (it in lo_n) if (hi_n[it] > lo_n[it]) printf "%s: %d to %d records, time per record x%.2f\n", it, lo_n[it], hi_n[it], hi_ns[it] / lo_ns[it]
  }
  if (tc_user) printf "\nTokenCache: %.0f bytes per cached user (JWT of %.0f bytes included)\n", tc_user, tc_jwt
  if (fail) { printf "\n%d target(s) missed\n", fail; exit 1 }
  printf "\nall targets met\n"
}' "$out"
