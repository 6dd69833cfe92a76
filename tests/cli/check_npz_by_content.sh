# SPDX-License-Identifier: Apache-2.0
# the format comes from the first bytes, never from the file name
cd "$2" || exit 99
dir="$(mktemp -d "${TMPDIR:-/tmp}/npyguard-cli-content.XXXXXX")" || exit 99
trap 'rm -rf "$dir"' EXIT
cp tests/fixtures/npz/savez_stored.npz "$dir/archive.npy"
cp samples/temperatures.npy "$dir/array.npz"
cd "$dir" || exit 99
"$1" check archive.npy array.npz
echo "exit=$?"
"$1" check --json archive.npy array.npz > out.json
echo "exit=$?"
cut -c1-80 out.json
