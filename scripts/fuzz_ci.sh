#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fuzzing stage of the test suite (and the local proof that fuzz/build.sh works the way OSS-Fuzz
# and ClusterFuzzLite run it): builds every target through fuzz/build.sh with the variables those
# engines set, then fuzzes each target from its seed corpus for a bounded time.
#   scripts/fuzz_ci.sh [--engine libfuzzer|afl] [SECONDS_PER_TARGET]     (default libfuzzer, 45 s)
# --engine libfuzzer: clang with -fsanitize=fuzzer-no-link, $LIB_FUZZING_ENGINE=-fsanitize=fuzzer,
#   into build/ossfuzz/. --engine afl: Debian's AFL++ the way OSS-Fuzz's afl engine builds
#   (afl-clang-fast/afl-clang-fast++ as $CC/$CXX, no libFuzzer flags, $LIB_FUZZING_ENGINE the
#   AFL++ driver archive /usr/lib/afl/libAFLDriver.a), each target then run under afl-fuzz, into
#   build/ossfuzz-afl/. Both builds use ASan + UBSan (unsigned overflow included).
# NPYGUARD_FUZZ_JOBS targets run at a time (default 2, one per core of the CI machine).
# Any crash, leak, timeout, out-of-memory or broken invariant (the cost invariant included) fails
# the run and is printed: libFuzzer prints the reproducer in base64 and writes it under
# <build>/artifacts/; for AFL++ every saved crash or hang is copied there, printed in base64 and
# replayed through the target for its sanitizer report.
set -euo pipefail
cd "$(dirname "$0")/.."
engine=libfuzzer
if [[ ${1:-} == --engine ]]; then
  engine=${2:?--engine needs libfuzzer or afl}
  shift 2
elif [[ ${1:-} == --engine=* ]]; then
  engine=${1#--engine=}
  shift
fi
seconds=${1:-45}
jobs=${NPYGUARD_FUZZ_JOBS:-2}
case $engine in
  libfuzzer) root=$PWD/build/ossfuzz ;;
  afl) root=$PWD/build/ossfuzz-afl ;;
  *) echo "usage: $0 [--engine libfuzzer|afl] [SECONDS_PER_TARGET]" >&2; exit 2 ;;
esac
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "SECONDS_PER_TARGET must be a positive integer" >&2; exit 2; }
rm -rf "$root"
mkdir -p "$root/out" "$root/work" "$root/src" "$root/artifacts" "$root/corpora"

# What OSS-Fuzz exports for an AddressSanitizer build (plus UBSan here, with npyguard's
# unsigned-overflow check and its ignore list for the standard library's deliberate wraps).
sanitizer_flags="-O1 -fno-omit-frame-pointer -gline-tables-only \
-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope \
-fsanitize=undefined,unsigned-integer-overflow -fno-sanitize-recover=all \
-fsanitize-ignorelist=$PWD/cmake/ubsan_ignorelist.txt"
if [[ $engine == libfuzzer ]]; then
  export CC=clang CXX=clang++
  export CFLAGS="$sanitizer_flags -fsanitize=fuzzer-no-link"
  export LIB_FUZZING_ENGINE="-fsanitize=fuzzer"
else
  # Debian's afl++ package installs the compiler wrappers in /usr/bin and the driver (main(),
  # persistent mode, shared-memory test cases around LLVMFuzzerTestOneInput) here.
  afl_driver=/usr/lib/afl/libAFLDriver.a
  for tool in afl-clang-fast afl-clang-fast++ afl-fuzz; do
    command -v "$tool" >/dev/null || { echo "$tool not found: install afl++ (scripts/deps.sh)"; exit 1; }
  done
  [[ -f $afl_driver ]] || { echo "$afl_driver not found: install afl++ (scripts/deps.sh)"; exit 1; }
  export CC=afl-clang-fast CXX=afl-clang-fast++
  export CFLAGS="$sanitizer_flags"
  export LIB_FUZZING_ENGINE=$afl_driver
  # As OSS-Fuzz's compile_afl: quiet wrappers, so CMake's compiler checks read clean output.
  export AFL_QUIET=1
fi
export CXXFLAGS="$CFLAGS"
export OUT=$root/out WORK=$root/work SRC=$root/src
fuzz/build.sh > "$root/build.log" 2>&1 || { tail -n 40 "$root/build.log"; exit 1; }
unset AFL_QUIET

targets=()
for binary in "$OUT"/fuzz_*; do
  [[ -x "$binary" && ! "$binary" == *.* ]] && targets+=("$(basename "$binary")")
done
echo "fuzz targets built by fuzz/build.sh ($engine): ${targets[*]}"
[[ ${#targets[@]} -ge 6 ]] || { echo "expected at least 6 targets"; exit 1; }
# NPYGUARD_FUZZ_ONLY="fuzz_a fuzz_b" fuzzes only those (every target is still built and counted).
if [[ -n ${NPYGUARD_FUZZ_ONLY:-} ]]; then
  read -r -a targets <<< "$NPYGUARD_FUZZ_ONLY"
fi

# Slow or greedy inputs fail the run. Under the targets' limits (Limits::for_fuzzing(): 1 MiB
# arrays, 4 MiB per archive, inputs up to 64 KiB) no legitimate input allocates more than 1 MiB at
# once (measured 2026-12-02: every grown corpus replays with -malloc_limit_mb=1) or takes more than
# milliseconds; 3 s and 16 MiB per allocation leave wide margins and still catch anything that
# grows with a count the input claims. 1.5 GiB of RSS covers ASan's shadow and quarantine plus
# the in-memory corpus (peaks of 300-500 MiB in 60 s runs).
fuzz_flags=(-timeout=3 -malloc_limit_mb=16 -rss_limit_mb=1536)
# The same limits for AFL++, which has no allocation or RSS limit of its own for ASan targets
# (its -m limits virtual memory, meaningless under ASan's shadow): ASan's allocator fails any
# allocation above 16 MiB (max_allocation_size_mb; allocator_may_return_null=0 makes that a
# report, not a null), its background thread kills the target above 1.5 GiB (hard_rss_limit_mb),
# and afl-fuzz's -t 3000 is the timeout. abort_on_error=1 and symbolize=0 are what afl-fuzz
# requires (a report must end in a signal it sees; symbolizing every crash is slow).
afl_asan_options="abort_on_error=1:symbolize=0:detect_leaks=1:allocator_may_return_null=0\
:max_allocation_size_mb=16:hard_rss_limit_mb=1536"
afl_ubsan_options="halt_on_error=1:abort_on_error=1:print_stacktrace=1:symbolize=0"

extract_seeds() {
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
    "$OUT/${1}_seed_corpus.zip" "$2"
}

run_libfuzzer_target() {
  local target=$1 corpus=$root/corpora/$1
  mkdir -p "$corpus"
  extract_seeds "$target" "$corpus"
  (cd "$OUT" && ./"$target" -max_total_time="$seconds" "${fuzz_flags[@]}" \
      -max_len=65536 -dict="$target.dict" -print_final_stats=1 \
      -artifact_prefix="$root/artifacts/$target-" "$corpus") > "$root/$target.log" 2>&1
}

# afl-fuzz exits 0 when its time is up whether or not it saved crashes, so the verdict comes
# from its output directory: any file in crashes/ or hangs/ fails the target.
run_afl_target() {
  local target=$1 seeds=$root/corpora/$1 findings=$root/afl/$1
  mkdir -p "$seeds" "$findings"
  extract_seeds "$target" "$seeds"
  # Container settings: no CPU-frequency governor to read (AFL_SKIP_CPUFREQ), a core_pattern
  # that pipes to a crash handler (AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES: crashes are still seen,
  # only later), no pinning to a core other processes share (AFL_NO_AFFINITY), no curses screen
  # in a log (AFL_NO_UI) and a short calibration (AFL_FAST_CAL). -V bounds the run.
  AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
  AFL_FAST_CAL=1 \
  ASAN_OPTIONS=$afl_asan_options UBSAN_OPTIONS=$afl_ubsan_options \
    afl-fuzz -V "$seconds" -t 3000 -m none -G 65536 -x "$OUT/$target.dict" \
      -i "$seeds" -o "$findings" -- "$OUT/$target" > "$root/$target.log" 2>&1 || return 1
  local found=0 file copy
  for file in "$findings"/default/crashes/* "$findings"/default/hangs/*; do
    [[ -f $file && $(basename "$file") != README.txt ]] || continue
    found=1
    copy=$root/artifacts/$target-$(basename "$(dirname "$file")")-$(sha1sum < "$file" | cut -c1-12)
    cp "$file" "$copy"
  done
  return $found
}

afl_stat() {  # afl_stat TARGET KEY: one value from afl-fuzz's fuzzer_stats
  awk -F' *: *' -v key="$2" '$1 == key {print $2}' "$root/afl/$1/default/fuzzer_stats" 2>/dev/null \
    || true
}

report_failure() {
  local target=$1 artifact
  echo "FAILED: $target (log: $root/$target.log)"
  if [[ $engine == libfuzzer ]]; then
    grep -E 'ERROR|SUMMARY|Test unit written|Base64' "$root/$target.log" | head -n 20
    return
  fi
  # afl-fuzz itself failed (a seed that crashes, a target it cannot run) or found something.
  grep -E 'PROGRAM ABORT|Location|ERROR|SUMMARY|results in a crash|timeout' "$root/$target.log" \
    | sed 's/\x1b\[[0-9;]*m//g' | head -n 20
  for artifact in "$root/artifacts/$target"-*; do
    [[ -f $artifact ]] || continue
    echo "--- $artifact ($(stat -c %s "$artifact") bytes), base64:"
    base64 -w 76 "$artifact" | head -n 40
    echo "--- replayed through $target:"
    # The AFL++ driver runs the files it is given once each; symbolized, with the same limits.
    { ASAN_OPTIONS=${afl_asan_options/symbolize=0/symbolize=1} \
      UBSAN_OPTIONS=${afl_ubsan_options/symbolize=0/symbolize=1} \
        timeout 10 "$OUT/$target" "$artifact" 2>&1 || true; } \
      | grep -E 'ERROR|SUMMARY|#[0-9]+ |runtime error' | head -n 25 || true
  done
}

status=0
for ((i = 0; i < ${#targets[@]}; i += jobs)); do
  pids=()
  for target in "${targets[@]:i:jobs}"; do
    "run_${engine}_target" "$target" & pids+=($!)
  done
  for ((j = 0; j < ${#pids[@]}; ++j)); do
    target=${targets[i + j]}
    if wait "${pids[j]}"; then
      if [[ $engine == libfuzzer ]]; then
        execs=$(grep -m1 'stat::number_of_executed_units' "$root/$target.log" | awk '{print $2}')
        rate=$(grep -m1 'stat::average_exec_per_sec' "$root/$target.log" | awk '{print $2}')
        cov=$(grep -E '^#[0-9]+' "$root/$target.log" | tail -n 1 | grep -oE 'cov: [0-9]+' || true)
        echo "ok: $target: $execs executions, $rate exec/s, $cov in ${seconds}s"
      else
        echo "ok: $target: $(afl_stat "$target" execs_done) executions," \
             "$(afl_stat "$target" execs_per_sec) exec/s, $(afl_stat "$target" edges_found) edges," \
             "$(afl_stat "$target" corpus_count) in queue, in ${seconds}s (afl-fuzz)"
      fi
    else
      status=1
      report_failure "$target"
    fi
  done
done
ls "$root/artifacts" 2>/dev/null | sed 's/^/artifact: /'
exit $status
