# SPDX-License-Identifier: Apache-2.0
# inspect: a rejected file prints the check line (or JSON error), exit 1; missing file exit 2
cd "$2" || exit 99
"$1" inspect samples/pickled_objects.npy
echo "exit=$?"
"$1" inspect --json samples/huge_shape.npy
echo "exit=$?"
"$1" inspect tests/cli/no-such-file.npy
echo "exit=$?"
"$1" inspect samples/temperatures.npy samples/huge_shape.npy
