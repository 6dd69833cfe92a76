# SPDX-License-Identifier: Apache-2.0
# --skip-non-npy: a member not ending in .npy is skipped (listed, not validated) instead of
# refusing the archive
cd "$2" || exit 99
"$1" check tests/cli/data/with_notes.npz
echo "exit=$?"
"$1" check --skip-non-npy tests/cli/data/with_notes.npz
echo "exit=$?"
"$1" check --skip-non-npy --json tests/cli/data/with_notes.npz
echo "exit=$?"
"$1" inspect --skip-non-npy tests/cli/data/with_notes.npz
echo "exit=$?"
"$1" check --skip-non-npy=yes tests/cli/data/with_notes.npz
