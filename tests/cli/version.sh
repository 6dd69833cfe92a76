# --version prints the library version
cd "$2" || exit 99
"$1" --version
