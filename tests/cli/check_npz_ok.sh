# SPDX-License-Identifier: Apache-2.0
# check: NumPy-written .npz archives (deflate and stored) print FILE: ok and exit 0
cd "$2" || exit 99
"$1" check tests/fixtures/npz/savez_compressed.npz tests/fixtures/npz/savez_stored.npz
echo "exit=$?"
"$1" check -q tests/fixtures/npz/savez_names.npz tests/fixtures/npz/savez_empty.npz samples/temperatures.npy
