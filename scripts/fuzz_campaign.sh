#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fuzzing campaigns (the evidence behind SECURITY.md's fuzzing table), one target at a time so
# the other core stays free, with either engine, on the binaries scripts/fuzz_ci.sh built through
# fuzz/build.sh (build/ossfuzz/out for libFuzzer, build/ossfuzz-afl/out for AFL++), copied aside
# so a later CI run cannot replace them mid-campaign.
#   scripts/fuzz_campaign.sh [--engine libfuzzer|afl] SECONDS_PER_TARGET [TARGET...]
#   scripts/fuzz_campaign.sh --promote [MAX_BYTES] [TARGET...]
# One corpus per target persists under build/fuzz-campaign/corpora/<target>, seeded from
# corpus/<target> and the regressions and shared by both engines: after every run the engine's
# output (libFuzzer's additions, AFL++'s queue) is merged into it with the libFuzzer binary's
# -merge=1, which keeps only inputs that add coverage features, smallest first. So the libFuzzer
# build is needed for either engine.
# Prints one line per target: executions, exec/s, the engine's own coverage count, and the
# coverage of the merged corpus measured the same way for both engines (edges of the libFuzzer
# binary, "cov"); crashes and hangs land in build/fuzz-campaign/artifacts/ and fail the run.
# --promote merges each campaign corpus into a copy of the committed seeds and regressions with
# edge coverage only (-use_counters=0: an input must reach an edge nothing committed reaches)
# and copies the inputs it adds, up to MAX_BYTES each (default 1024), to corpus/<target>/ as
# grown-<sha1>; corpus/make_seeds.py keeps grown-* files.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD/build/fuzz-campaign
libfuzzer_bin=$root/bin/libfuzzer
engine=libfuzzer
promote=0
case ${1:-} in
  --engine) engine=${2:?--engine needs libfuzzer or afl}; shift 2 ;;
  --engine=*) engine=${1#--engine=}; shift ;;
  --promote) promote=1; shift ;;
esac
[[ $engine == libfuzzer || $engine == afl ]] || { echo "unknown engine $engine" >&2; exit 2; }

# The same resource limits as scripts/fuzz_ci.sh (see there for the reasons).
fuzz_flags=(-timeout=3 -malloc_limit_mb=16 -rss_limit_mb=1536 -max_len=65536)
afl_asan_options="abort_on_error=1:symbolize=0:detect_leaks=1:allocator_may_return_null=0\
:max_allocation_size_mb=16:hard_rss_limit_mb=1536"
afl_ubsan_options="halt_on_error=1:abort_on_error=1:print_stacktrace=1:symbolize=0"

copy_binaries() {  # copy_binaries ENGINE FROM
  [[ -d $2 ]] || { echo "$2 missing: run scripts/fuzz_ci.sh${3:-} first (it builds the targets)"; exit 1; }
  mkdir -p "$root/bin/$1"
  # Unlink first: a binary still running from an earlier campaign cannot be overwritten in place.
  rm -f "$root/bin/$1"/fuzz_*
  cp "$2"/fuzz_* "$root/bin/$1/"
}

list_targets() {
  local binary
  for binary in "$libfuzzer_bin"/fuzz_*; do
    [[ -x "$binary" && ! "$binary" == *.* ]] && basename "$binary"
  done
}

# Merges the inputs in the directories after the first into the corpus (the first), keeping only
# inputs that add features; prints the corpus's coverage afterwards.
merge_into_corpus() {
  local target=$1 corpus=$2 merged=$root/merge-$1
  shift 2
  rm -rf "$merged"
  mkdir -p "$merged"
  "$libfuzzer_bin/$target" -merge=1 "${fuzz_flags[@]}" "$merged" "$corpus" "$@" \
    > "$root/logs/$target-merge.log" 2>&1 || { echo "merge failed: $root/logs/$target-merge.log"; return 1; }
  rm -rf "$corpus"
  mv "$merged" "$corpus"
}

corpus_coverage() {  # the edges of the libFuzzer binary the inputs in a directory reach
  "$libfuzzer_bin/$1" -runs=0 "${fuzz_flags[@]}" "$2" 2>&1 | grep -oE 'INITED cov: [0-9]+' \
    | grep -oE '[0-9]+$' | tail -n 1
}

if ((promote)); then
  max_bytes=1024
  if [[ ${1:-} =~ ^[0-9]+$ ]]; then max_bytes=$1; shift; fi
  [[ -d $libfuzzer_bin ]] || { echo "no campaign yet (build/fuzz-campaign/bin/libfuzzer)"; exit 1; }
  mkdir -p "$root/logs"
  targets=("$@")
  [[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <(list_targets)
  for target in "${targets[@]}"; do
    control=$root/promote-$target
    rm -rf "$control"
    mkdir -p "$control"
    cp corpus/"$target"/* "$control"/ 2>/dev/null || true
    cp corpus/regressions/"$target"/* "$control"/ 2>/dev/null || true
    rm -f "$control"/.keep
    before=$(ls "$control" | sort)
    cov_before=$(corpus_coverage "$target" "$control")
    "$libfuzzer_bin/$target" -merge=1 -use_counters=0 "${fuzz_flags[@]}" "$control" \
      "$root/corpora/$target" > "$root/logs/$target-promote.log" 2>&1
    cov_after=$(corpus_coverage "$target" "$control")
    added=0 skipped=0
    while read -r name; do
      [[ -n $name ]] || continue
      if (($(stat -c %s "$control/$name") > max_bytes)); then
        skipped=$((skipped + 1))
        continue
      fi
      cp "$control/$name" "corpus/$target/grown-$(sha1sum < "$control/$name" | cut -c1-12)"
      added=$((added + 1))
    done < <(comm -13 <(echo "$before") <(ls "$control" | sort))
    echo "$target: cov $cov_before -> $cov_after with the campaign corpus;" \
         "$added inputs of at most $max_bytes bytes added to corpus/$target, $skipped larger left out"
  done
  exit 0
fi

seconds=${1:?seconds per target}
shift
copy_binaries libfuzzer "$PWD/build/ossfuzz/out"
[[ $engine == afl ]] && copy_binaries afl "$PWD/build/ossfuzz-afl/out" " --engine afl"
mkdir -p "$root/artifacts" "$root/corpora" "$root/logs"

targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || mapfile -t targets < <(list_targets)

status=0
for target in "${targets[@]}"; do
  corpus=$root/corpora/$target
  mkdir -p "$corpus"
  cp -n corpus/"$target"/* corpus/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
  rm -f "$corpus"/.keep
  stamp=$(date +%Y%m%dT%H%M%S)
  log=$root/logs/$target-$engine-$stamp.log
  verdict=ok
  if [[ $engine == libfuzzer ]]; then
    fresh=$root/new-$target
    rm -rf "$fresh"
    mkdir -p "$fresh"
    # New inputs go to a fresh directory first (the first corpus directory is where libFuzzer
    # writes), then are merged, so the persistent corpus only ever holds a merged set.
    (cd "$root/bin/libfuzzer" && ./"$target" -max_total_time="$seconds" "${fuzz_flags[@]}" \
        -dict="$target.dict" -print_final_stats=1 \
        -artifact_prefix="$root/artifacts/$target-" "$fresh" "$corpus") > "$log" 2>&1 \
      || verdict=FAILED
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
    own=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
    merge_into_corpus "$target" "$corpus" "$fresh" || verdict=FAILED
    rm -rf "$fresh"
  else
    findings=$root/afl/$target
    rm -rf "$findings"
    mkdir -p "$root/afl"
    # Container settings as in scripts/fuzz_ci.sh (see there).
    AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 \
    AFL_FAST_CAL=1 ASAN_OPTIONS=$afl_asan_options UBSAN_OPTIONS=$afl_ubsan_options \
      afl-fuzz -V "$seconds" -t 3000 -m none -G 65536 -x "$root/bin/afl/$target.dict" \
        -i "$corpus" -o "$findings" -- "$root/bin/afl/$target" > "$log" 2>&1 || verdict=FAILED
    stats=$findings/default/fuzzer_stats
    afl_stat() { awk -F' *: *' -v key="$1" '$1 == key {print $2}' "$stats" 2>/dev/null || true; }
    execs=$(afl_stat execs_done)
    rate=$(afl_stat execs_per_sec)
    own="edges: $(afl_stat edges_found) ($(afl_stat bitmap_cvg) of the map)"
    for file in "$findings"/default/crashes/* "$findings"/default/hangs/*; do
      [[ -f $file && $(basename "$file") != README.txt ]] || continue
      verdict=FAILED
      cp "$file" "$root/artifacts/$target-afl-$(basename "$(dirname "$file")")-$(sha1sum < "$file" | cut -c1-12)"
    done
    [[ -d $findings/default/queue ]] && { merge_into_corpus "$target" "$corpus" "$findings/default/queue" || verdict=FAILED; }
    unset -f afl_stat
  fi
  [[ $verdict == ok ]] || status=1
  echo "$verdict: $target ($engine): ${seconds}s, $execs executions, $rate exec/s, $own;" \
       "merged corpus $(ls "$corpus" | wc -l) files, cov $(corpus_coverage "$target" "$corpus") (log: $log)"
  [[ $verdict == ok ]] || grep -E 'ERROR|SUMMARY|Test unit written|PROGRAM ABORT' "$log" \
    | sed 's/\x1b\[[0-9;]*m//g' | head -n 20
done
ls "$root/artifacts" 2>/dev/null | sed 's/^/artifact: /'
exit $status
