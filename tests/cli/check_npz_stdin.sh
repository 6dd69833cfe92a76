# check -/inspect -: an archive on standard input is spooled to a temporary file; .npy input
# still streams
cd "$2" || exit 99
cat tests/fixtures/npz/savez_compressed.npz | "$1" check -
echo "exit=$?"
"$1" check - < tests/fixtures/npz/savez_stored.npz
echo "exit=$?"
cat tests/cli/data/object_member.npz | "$1" check --json -
echo "exit=$?"
out="$(cat tests/fixtures/npz/savez_names.npz | "$1" inspect -)"
echo "exit=$?"
printf '%s\n' "$out" | head -n 8
cat samples/temperatures.npy | "$1" check --json -
echo "exit=$?"
printf 'PK\003\004' | "$1" check -
