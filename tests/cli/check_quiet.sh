# SPDX-License-Identifier: Apache-2.0
# check -q: nothing for accepted files, rejections still printed
cd "$2" || exit 99
"$1" check -q samples/temperatures.npy tests/fixtures/npy/b1_2x5.npy
echo "exit=$?"
"$1" check --quiet samples/temperatures.npy samples/pickled_objects.npy
