# SPDX-License-Identifier: Apache-2.0
# inspect --json: one object with format npz, totals and a members array with fields tables
cd "$2" || exit 99
"$1" inspect --json tests/fixtures/npz/savez_names.npz
echo "exit=$?"
"$1" inspect --json tests/cli/data/object_member.npz
