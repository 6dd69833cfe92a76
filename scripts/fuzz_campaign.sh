#!/usr/bin/env bash
# Long fuzzing campaign (the evidence behind SECURITY.md's fuzzing table), one target at a time so
# the other core stays free. Uses the binaries scripts/fuzz_ci.sh built through fuzz/build.sh,
# copied aside so a later CI run cannot replace them mid-campaign. Corpora persist between runs
# under build/fuzz-campaign/corpora/<target>, seeded from corpus/<target> and the regressions.
#   scripts/fuzz_campaign.sh SECONDS_PER_TARGET [TARGET...]
# Prints one line per target: executions, exec/s, corpus size, peak RSS; crashes land in
# build/fuzz-campaign/artifacts/ and fail the run.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?seconds per target}
shift
built=$PWD/build/ossfuzz/out
root=$PWD/build/fuzz-campaign
[[ -d "$built" ]] || { echo "run scripts/fuzz_ci.sh first (it builds the targets)"; exit 1; }
mkdir -p "$root/bin" "$root/artifacts" "$root/corpora" "$root/logs"
# Unlink first: a binary still running from an earlier campaign cannot be overwritten in place.
rm -f "$root"/bin/fuzz_*
cp "$built"/fuzz_* "$root/bin/"

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for binary in "$root"/bin/fuzz_*; do
    [[ -x "$binary" && ! "$binary" == *.* ]] && targets+=("$(basename "$binary")")
  done
fi

status=0
for target in "${targets[@]}"; do
  corpus=$root/corpora/$target
  mkdir -p "$corpus"
  cp -n corpus/"$target"/* corpus/regressions/"$target"/* "$corpus"/ 2>/dev/null || true
  rm -f "$corpus"/.keep
  log=$root/logs/$target-$(date +%Y%m%dT%H%M%S).log
  # The same resource flags as scripts/fuzz_ci.sh (see there).
  if (cd "$root/bin" && ./"$target" -max_total_time="$seconds" -timeout=3 -malloc_limit_mb=16 \
        -rss_limit_mb=1536 \
        -max_len=65536 -dict="$target.dict" -print_final_stats=1 \
        -artifact_prefix="$root/artifacts/$target-" "$corpus") > "$log" 2>&1; then
    verdict=ok
  else
    verdict=FAILED
    status=1
  fi
  execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  rate=$(grep -m1 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
  rss=$(grep -m1 'stat::peak_rss_mb' "$log" | awk '{print $2}')
  cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)
  echo "$verdict: $target: ${seconds}s, $execs executions, $rate exec/s, $cov," \
       "corpus $(ls "$corpus" | wc -l) files, peak RSS ${rss} MB (log: $log)"
  [[ $verdict == ok ]] || grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -n 20
done
exit $status
