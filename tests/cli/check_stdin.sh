# SPDX-License-Identifier: Apache-2.0
# check -: standard input, accepted and rejected
cd "$2" || exit 99
"$1" check - < samples/temperatures.npy
echo "exit=$?"
cat samples/pickled_objects.npy | "$1" check --json -
echo "exit=$?"
"$1" check - < /dev/null
