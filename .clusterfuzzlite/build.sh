#!/bin/bash -eu
# ClusterFuzzLite entry point: the project's own OSS-Fuzz-style build script.
exec "$SRC/npyguard/fuzz/build.sh"
