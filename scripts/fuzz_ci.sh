#!/usr/bin/env bash
# Fuzzing stage of the test suite (and the local proof that fuzz/build.sh works the way OSS-Fuzz
# and ClusterFuzzLite run it): builds every target through fuzz/build.sh with the variables those
# engines set, then fuzzes each target from its seed corpus for a bounded time.
#   scripts/fuzz_ci.sh [SECONDS_PER_TARGET]     (default 45; two targets run at a time)
# Any crash, leak, timeout, out-of-memory or broken invariant (the cost invariant included) fails
# the run; the reproducer is printed (base64 by libFuzzer, and its path under
# build/ossfuzz/artifacts/).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-45}
root=$PWD/build/ossfuzz
rm -rf "$root"
mkdir -p "$root/out" "$root/work" "$root/src" "$root/artifacts" "$root/corpora"

# What OSS-Fuzz exports for an AddressSanitizer + libFuzzer build (plus UBSan here, with
# npyguard's unsigned-overflow check and its ignore list for libstdc++'s deliberate wraps).
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only \
-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope \
-fsanitize=undefined,unsigned-integer-overflow -fno-sanitize-recover=all \
-fsanitize-ignorelist=$PWD/cmake/ubsan_ignorelist.txt -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
export OUT=$root/out WORK=$root/work SRC=$root/src
fuzz/build.sh > "$root/build.log" 2>&1 || { tail -n 40 "$root/build.log"; exit 1; }

targets=()
for binary in "$OUT"/fuzz_*; do
  [[ -x "$binary" && ! "$binary" == *.* ]] && targets+=("$(basename "$binary")")
done
echo "fuzz targets built by fuzz/build.sh: ${targets[*]}"
[[ ${#targets[@]} -ge 6 ]] || { echo "expected at least 6 targets"; exit 1; }

# Slow or greedy inputs fail the run. Under the targets' limits (Limits::for_fuzzing(): 1 MiB
# arrays, 4 MiB per archive, inputs up to 64 KiB) no legitimate input allocates more than 1 MiB at
# once (measured 2026-12-02: every grown corpus replays with -malloc_limit_mb=1) or takes more than
# milliseconds; 3 s and 16 MiB per allocation leave wide margins and still catch anything that
# grows with a count the input claims. 1.5 GiB of RSS covers ASan's shadow and quarantine plus
# the in-memory corpus (peaks of 300-500 MiB in 60 s runs).
fuzz_flags=(-timeout=3 -malloc_limit_mb=16 -rss_limit_mb=1536)

run_target() {
  local target=$1 corpus=$root/corpora/$1
  mkdir -p "$corpus"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$OUT/${target}_seed_corpus.zip" "$corpus"
  (cd "$OUT" && ./"$target" -max_total_time="$seconds" "${fuzz_flags[@]}" \
      -max_len=65536 -dict="$target.dict" -print_final_stats=1 \
      -artifact_prefix="$root/artifacts/$target-" "$corpus") > "$root/$target.log" 2>&1
}

status=0
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  pids=()
  for target in "${targets[@]:i:2}"; do
    run_target "$target" & pids+=($!)
  done
  for ((j = 0; j < ${#pids[@]}; ++j)); do
    target=${targets[i + j]}
    if wait "${pids[j]}"; then
      execs=$(grep -m1 'stat::number_of_executed_units' "$root/$target.log" | awk '{print $2}')
      rate=$(grep -m1 'stat::average_exec_per_sec' "$root/$target.log" | awk '{print $2}')
      echo "ok: $target: $execs executions, $rate exec/s in ${seconds}s"
    else
      status=1
      echo "FAILED: $target (log: $root/$target.log)"
      grep -E 'ERROR|SUMMARY|Test unit written|Base64' "$root/$target.log" | head -n 20
    fi
  done
done
ls "$root/artifacts" 2>/dev/null | sed 's/^/artifact: /'
exit $status
