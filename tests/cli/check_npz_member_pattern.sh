# SPDX-License-Identifier: Apache-2.0
# --member-pattern: full match on the member name, repeatable (any may match), checked before
# any input is read
cd "$2" || exit 99
"$1" check --member-pattern 'arr_[0-9]+\.npy' tests/fixtures/npz/savez_many_members.npz
echo "exit=$?"
"$1" check --member-pattern 'arr_[0-9]+\.npy' tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --member-pattern=arr_0 tests/fixtures/npz/savez_compressed.npz
echo "exit=$?"
"$1" check --member-pattern 'arr_[0-9]+\.npy' --member-pattern '[a-z0-9_]+\.npy' tests/fixtures/npz/savez_compressed.npz samples/temperatures.npy
echo "exit=$?"
"$1" check --json --member-pattern 'x' tests/fixtures/npz/savez_stored.npz
echo "exit=$?"
"$1" check --member-pattern '(unclosed' tests/fixtures/npz/savez_stored.npz
echo "exit=$?"
"$1" check tests/fixtures/npz/savez_stored.npz --member-pattern
