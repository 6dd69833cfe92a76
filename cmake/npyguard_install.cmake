# SPDX-License-Identifier: Apache-2.0
# Install rules (GNUInstallDirs), the CMake package (npyguardConfig.cmake, SameMinorVersion while
# on 0.x), the pkg-config files, and the Debian packages `cpack -G DEB` builds from them. Every
# rule names its component, which becomes one package:
#   lib  -> libnpyguard0     the shared library (libnpyguard.so.0*)
#   dev  -> libnpyguard-dev  headers, libnpyguard.so (or .a), CMake package, pkg-config files
#   cli  -> npyguard         the command, its man page and bash completion
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS npyguard EXPORT npyguardTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT lib NAMELINK_COMPONENT dev)
install(DIRECTORY include/npyguard DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT dev)
install(FILES ${NPYGUARD_GENERATED_INCLUDE}/npyguard/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/npyguard COMPONENT dev)
install(EXPORT npyguardTargets NAMESPACE npyguard::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/npyguard COMPONENT dev)
if(BUILD_SHARED_LIBS)
  set(NPYGUARD_CONFIG_STATIC OFF)
else()
  set(NPYGUARD_CONFIG_STATIC ON)
endif()
configure_package_config_file(cmake/npyguardConfig.cmake.in
  ${PROJECT_BINARY_DIR}/npyguardConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/npyguard)
# 0.x: a minor release may change the API (docs/versioning.md), so find_package(npyguard 0.1)
# accepts 0.1.* only. From 1.0 on this becomes SameMajorVersion.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(npyguard_compatibility SameMinorVersion)
else()
  set(npyguard_compatibility SameMajorVersion)
endif()
write_basic_package_version_file(${PROJECT_BINARY_DIR}/npyguardConfigVersion.cmake
  COMPATIBILITY ${npyguard_compatibility})
install(FILES ${PROJECT_BINARY_DIR}/npyguardConfig.cmake
              ${PROJECT_BINARY_DIR}/npyguardConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/npyguard COMPONENT dev)

# pkg-config: npyguard.pc for C++ (Cflags carry -std=c++20, which the public headers need) and
# npyguard-c.pc for C programs using npyguard_c.h (no C++ flag a C compiler would refuse). A
# static libnpyguard.a needs its dependencies on every link, so they go in Requires (not
# Requires.private, which only `pkg-config --static` reads) and the C++ runtime in Libs of the C
# file; a shared library carries them itself, so nothing is required then.
if(BUILD_SHARED_LIBS)
  set(NPYGUARD_PC_REQUIRES "")
  set(NPYGUARD_PC_LIBS_EXTRA "")
  set(NPYGUARD_PC_C_LIBS_EXTRA "")
  set(NPYGUARD_PC_KIND "shared")
else()
  set(NPYGUARD_PC_REQUIRES "zlib re2 libdeflate")
  set(NPYGUARD_PC_LIBS_EXTRA "")
  # A C link of a C++ static library: the C++ runtime and libm by hand.
  set(NPYGUARD_PC_C_LIBS_EXTRA " -lstdc++ -lm")
  set(NPYGUARD_PC_KIND "static")
endif()
file(RELATIVE_PATH NPYGUARD_PC_TO_PREFIX ${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig
     ${CMAKE_INSTALL_PREFIX})
string(REGEX REPLACE "/$" "" NPYGUARD_PC_TO_PREFIX "${NPYGUARD_PC_TO_PREFIX}")
configure_file(cmake/npyguard.pc.in ${PROJECT_BINARY_DIR}/npyguard.pc @ONLY)
configure_file(cmake/npyguard-c.pc.in ${PROJECT_BINARY_DIR}/npyguard-c.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/npyguard.pc ${PROJECT_BINARY_DIR}/npyguard-c.pc
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT dev)

if(NPYGUARD_BUILD_CLI)
  install(TARGETS npyguard_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
  if(TARGET npyguard_manpage)
    install(FILES ${PROJECT_BINARY_DIR}/npyguard.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
      COMPONENT cli)
  endif()
  install(FILES scripts/bash_completion/npyguard
    DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT cli)
endif()
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT lib)

include(npyguard_cpack)
