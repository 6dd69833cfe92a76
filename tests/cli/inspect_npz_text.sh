# SPDX-License-Identifier: Apache-2.0
# inspect: an archive's header block, then one indented block per member (UTF-8 names, a
# directory in a name, a structured member)
cd "$2" || exit 99
"$1" inspect tests/fixtures/npz/savez_names.npz
echo "exit=$?"
"$1" inspect --member-pattern 'record\.npy|arr_1\.npy' --member-pattern '[a-z0-9_]+\.npy' tests/fixtures/npz/savez_compressed.npz
