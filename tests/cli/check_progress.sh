# SPDX-License-Identifier: Apache-2.0
# check's progress line on standard error: never on a pipe by default; --progress prints the
# counts at the start and at the end (and once a second between) even on a pipe; on a terminal
# it appears after about a second and is redrawn in place with '\r', then erased before the
# verdict and the summary, so it never mixes into them; --quiet and --no-progress turn it off.
cd "$2" || exit 99
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-progress.XXXXXX")
trap 'rm -rf "$dir"' EXIT
files="samples/temperatures.npy tests/fixtures/npz/savez_compressed.npz samples/huge_shape.npy"
echo "--- on a pipe: nothing"
"$bin" check $files 2>&1 >/dev/null | cat
echo "--- --progress on a pipe: first and last line"
"$bin" check --progress $files 2>&1 >/dev/null | sed -n '1p;$p'
echo "--- --no-progress wins over --progress when given last"
"$bin" check --progress --no-progress $files 2>&1 >/dev/null | cat
echo "--- a terminal, a check that takes two seconds (a FIFO that waits)"
mkfifo "$dir/slow"
(head -c 100 samples/temperatures.npy; sleep 2; tail -c +101 samples/temperatures.npy) > "$dir/slow" &
script -qec "'$bin' check '$dir/slow' samples/temperatures.npy" /dev/null </dev/null |
  sed "s|$dir|DIR|g" | tr '\r' '\n' | sed 's/ *$//' | grep -v '^$' | uniq
wait
echo "--- -q on a terminal: no line"
mkfifo "$dir/slow2"
(head -c 100 samples/temperatures.npy; sleep 2; tail -c +101 samples/temperatures.npy) > "$dir/slow2" &
script -qec "'$bin' check -q '$dir/slow2'" /dev/null </dev/null | tr '\r' '\n' | grep -c 'files'
wait
