# SPDX-License-Identifier: Apache-2.0
# A directory the walk cannot read is not a pass: it is reported on standard error, counted in
# the summary, and the run exits 2 even though every file it could read was accepted. That holds
# for a directory that cannot be listed (mode 000), one that can be listed but not entered
# (mode 444: its entries cannot be looked at), and a link into a directory that cannot be
# searched. (Run as an unprivileged user, since root reads any directory.)
cd "$2" || exit 99
bin=$1
tree=$(mktemp -d "${TMPDIR:-/tmp}/npyguard-unreadable.XXXXXX")
trap 'chmod -R u+rwx "$tree"; rm -rf "$tree"' EXIT
mkdir -p "$tree/up/open" "$tree/up/locked" "$tree/up/listable" "$tree/private"
cp samples/temperatures.npy "$tree/up/open/a.npy"
cp samples/pickled_objects.npy "$tree/up/locked/hidden.npy"
cp samples/pickled_objects.npy "$tree/up/listable/evil"
cp samples/pickled_objects.npy "$tree/private/target.npy"
ln -s ../../private/target.npy "$tree/up/open/link_into_private"
# A copy of the binary the unprivileged user can run, wherever the build tree is.
cp "$bin" "$tree/npyguard"
chmod 755 "$tree" "$tree/up" "$tree/up/open" "$tree/npyguard"
chmod 644 "$tree/up/open/a.npy"
chmod 000 "$tree/up/locked"
chmod 444 "$tree/up/listable"
chmod 700 "$tree/private"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
"${as_user[@]}" "$tree/npyguard" check -r "$tree/up" 2>&1 | sed "s|$tree|TREE|g" | sort
echo "status=${PIPESTATUS[0]}"
