# SPDX-License-Identifier: Apache-2.0
"""Builds npyguard._npyguard with CMake for setuptools (see pyproject.toml for the metadata).

The extension is the repository's own CMake build with NPYGUARD_BUILD_PYTHON=ON and nothing
else (no tests, no CLI): the library compiled position-independent and linked statically into
the module. CMake finds pybind11 and NumPy's headers from the interpreter running this build,
so build with --no-build-isolation (Debian's python3-pybind11 and python3-numpy). Knobs, from
the environment: CMAKE_BUILD_PARALLEL_LEVEL (jobs, default: all cores), NPYGUARD_CMAKE_ARGS
(more -D options), CMAKE_BUILD_TYPE (default Release).
"""

import os
import shlex
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        output = Path(self.get_ext_fullpath(ext.name)).resolve().parent
        build = Path(self.build_temp).resolve() / "cmake"
        build.mkdir(parents=True, exist_ok=True)
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build),
            "-DCMAKE_BUILD_TYPE=" + os.environ.get("CMAKE_BUILD_TYPE", "Release"),
            "-DNPYGUARD_BUILD_PYTHON=ON",
            "-DNPYGUARD_BUILD_TESTS=OFF",
            "-DNPYGUARD_BUILD_CLI=OFF",
            "-DNPYGUARD_INSTALL=OFF",
            "-DNPYGUARD_PYTHON_EXECUTABLE=" + sys.executable,
            "-DNPYGUARD_PYTHON_OUTPUT_DIR=" + str(output),
            *shlex.split(os.environ.get("NPYGUARD_CMAKE_ARGS", "")),
        ]
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL") or str(os.cpu_count() or 1)
        compile_ = ["cmake", "--build", str(build), "--target", "_npyguard", "--parallel", jobs]
        for command in (configure, compile_):
            print(" ".join(shlex.quote(part) for part in command), flush=True)
            subprocess.run(command, check=True)


setup(ext_modules=[CMakeExtension("npyguard._npyguard")], cmdclass={"build_ext": CMakeBuild})
