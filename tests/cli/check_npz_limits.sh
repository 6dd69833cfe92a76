# SPDX-License-Identifier: Apache-2.0
# archive limits: members, total size (with suffixes), compression ratio, member name length;
# values parsed as strictly as the other limits
cd "$2" || exit 99
"$1" check --max-members 8 tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-members 9 tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-total-bytes 9K tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-total-bytes=10K tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-ratio 10 tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-ratio 14 tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-member-name-bytes 9 tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-member-name-bytes 14 tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-ratio 0 tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-total-bytes 1Q tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --max-members -1 tests/fixtures/npz/savez_compressed.npz
