# SPDX-License-Identifier: Apache-2.0
# Debian packages from the install components (cmake/npyguard_install.cmake):
#   cmake --preset default -DBUILD_SHARED_LIBS=ON -B build/deb && cmake --build build/deb
#   (cd build/deb && cpack -G DEB)   ->  libnpyguard0_*.deb libnpyguard-dev_*.deb npyguard_*.deb
# Built from a shared build (a static one packages libnpyguard-dev with the .a and no
# libnpyguard0 content). Dependencies on system libraries come from dpkg-shlibdeps; the
# dependencies among the three packages are pinned to this exact version.
set(CPACK_PACKAGE_NAME npyguard)
set(CPACK_PACKAGE_VENDOR "npyguard contributors")
set(CPACK_PACKAGE_CONTACT "npyguard maintainers <npyguard@invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "security-hardened validating reader and writer for NumPy .npy and .npz files")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
if(BUILD_SHARED_LIBS)
  set(CPACK_COMPONENTS_ALL lib dev cli)
else()
  set(CPACK_COMPONENTS_ALL dev cli)
endif()
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libnpyguard.so.0 is not in any installed package yet: dpkg-shlibdeps looks for it here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS ${PROJECT_BINARY_DIR}/src)
set(npyguard_deb_version "${PROJECT_VERSION}")

set(CPACK_DEBIAN_LIB_PACKAGE_NAME libnpyguard${PROJECT_VERSION_MAJOR})
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION libs)
set(CPACK_COMPONENT_LIB_DESCRIPTION
    "npyguard shared library\n validates and reads NumPy .npy/.npz files from untrusted sources.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libnpyguard-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_DEV_DESCRIPTION
    "npyguard development files\n C and C++ headers, CMake package and pkg-config files.")

set(CPACK_DEBIAN_CLI_PACKAGE_NAME npyguard)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION utils)
set(CPACK_COMPONENT_CLI_DESCRIPTION
    "npyguard command\n check, inspect and sanitize NumPy .npy/.npz files from untrusted sources.")

if(BUILD_SHARED_LIBS)
  set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
      "libnpyguard${PROJECT_VERSION_MAJOR} (= ${npyguard_deb_version})")
  set(CPACK_DEBIAN_CLI_PACKAGE_DEPENDS
      "libnpyguard${PROJECT_VERSION_MAJOR} (= ${npyguard_deb_version})")
else()
  # A static build: the -dev package carries the archive, whose users need the -dev packages of
  # its dependencies (pkg-config's Requires and the CMake config find them).
  set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "zlib1g-dev, libre2-dev, libdeflate-dev, pkg-config")
endif()

include(CPack)
