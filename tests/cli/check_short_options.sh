# SPDX-License-Identifier: Apache-2.0
# POSIX option syntax: a short option's value may follow it directly (-j2) or as the next
# argument (-j 2), flags bundle (-qr, -rj2), and '--' ends the options, so a file named like an
# option can still be checked.
cd "$2" || exit 99
bin=$1
dir=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-opts.XXXXXX")
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/t"
cp samples/temperatures.npy "$dir/t/a.npy"
cp samples/pickled_objects.npy "$dir/t/b.npy"
cp samples/temperatures.npy "$dir/-q"
run_check() { "$bin" check "$@" 2>&1 | sed "s|$dir|DIR|g"; echo "status=${PIPESTATUS[0]}"; }
echo "--- -j2 and -j 2"
run_check -j2 samples/temperatures.npy samples/huge_shape.npy
run_check -j 2 samples/temperatures.npy
echo "--- bundled: -qr, -rj2, -qrj 2"
run_check -qr "$dir/t"
run_check -rj2 "$dir/t"
run_check -qrj 2 "$dir/t"
echo "--- '--' ends the options"
(cd "$dir" && "$bin" check -- -q; echo "status=$?")
echo "--- errors name the short option as typed"
run_check -qx samples/temperatures.npy
run_check -j samples/temperatures.npy
run_check -j2x samples/temperatures.npy
run_check -qj
