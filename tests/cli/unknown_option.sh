# SPDX-License-Identifier: Apache-2.0
# an unknown option is a usage error naming it, even after file names
cd "$2" || exit 99
"$1" check samples/temperatures.npy --frobnicate
echo "exit=$?"
"$1" inspect --quiet samples/temperatures.npy
