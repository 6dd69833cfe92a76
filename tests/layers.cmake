# SPDX-License-Identifier: Apache-2.0
# The layer rule, checked: run as `cmake -DCXX=... -DVIEWS=... -DSOURCE_DIR=... -P layers.cmake`.
# 1. For every pair of layers, a file compiled the way layer A's files are compiled can include a
#    header of layer B exactly when B is A itself or below it (src/CMakeLists.txt).
# 2. No file in src/ reaches around the rule with a relative "../" include; src/cli/ includes only
#    public headers and its own, and so does src/capi/; zlib appears only in codec/inflate.cpp, RE2 only in
#    npz/member_policy.cpp; nothing in include/ includes a private or third-party header.
include(${VIEWS}/visible.cmake)
set(failures 0)
set(probe_dir ${CMAKE_CURRENT_BINARY_DIR}/layer_probe)
file(MAKE_DIRECTORY ${probe_dir})

foreach(target_layer IN LISTS NPYGUARD_LAYERS)
  file(GLOB headers RELATIVE ${SOURCE_DIR}/src ${SOURCE_DIR}/src/${target_layer}/*.h)
  if(NOT headers)
    continue()  # a layer without private headers (capi): nothing to include
  endif()
  list(SORT headers)
  list(GET headers 0 header)
  foreach(from_layer IN LISTS NPYGUARD_LAYERS)
    set(probe ${probe_dir}/${from_layer}_includes_${target_layer}.cpp)
    file(WRITE ${probe} "#include \"${header}\"\n")
    execute_process(
      COMMAND ${CXX} -std=c++20 -E -o /dev/null -I${VIEWS}/${from_layer} -I${SOURCE_DIR}/include
              ${probe}
      RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    list(FIND NPYGUARD_VISIBLE_${from_layer} ${target_layer} position)
    if(position EQUAL -1 AND rc EQUAL 0)
      message(SEND_ERROR "layer ${from_layer} can include ${header}, a layer above it")
      math(EXPR failures "${failures} + 1")
    elseif(NOT position EQUAL -1 AND NOT rc EQUAL 0)
      message(SEND_ERROR "layer ${from_layer} cannot include ${header}, which it may use")
      math(EXPR failures "${failures} + 1")
    endif()
  endforeach()
endforeach()

function(forbid_include files regex why)
  foreach(file IN LISTS files)
    file(STRINGS ${file} hits REGEX "${regex}")
    if(hits)
      message(SEND_ERROR "${file}: ${why}: ${hits}")
      set(failures 1 PARENT_SCOPE)
    endif()
  endforeach()
endfunction()

file(GLOB_RECURSE library_files ${SOURCE_DIR}/src/*.cpp ${SOURCE_DIR}/src/*.h)
forbid_include("${library_files}" "^#include \"\\.\\./" "relative include around the layer rule")
file(GLOB cli_files ${SOURCE_DIR}/src/cli/*.cpp ${SOURCE_DIR}/src/cli/*.h)
forbid_include("${cli_files}" "^#include \"(base|io|codec|array|npy|zip|npz|write)/"
               "the CLI uses public headers only")
file(GLOB capi_files ${SOURCE_DIR}/src/capi/*.cpp ${SOURCE_DIR}/src/capi/*.h)
forbid_include("${capi_files}" "^#include \"(base|io|codec|array|npy|zip|npz|write|cli)/"
               "the C API uses public headers only")
set(non_codec ${library_files})
list(REMOVE_ITEM non_codec ${SOURCE_DIR}/src/codec/inflate.cpp)
forbid_include("${non_codec}" "^#include <zlib.h>" "only codec/inflate.cpp includes zlib")
set(non_policy ${library_files})
list(REMOVE_ITEM non_policy ${SOURCE_DIR}/src/npz/member_policy.cpp)
forbid_include("${non_policy}" "^#include <re2/" "only npz/member_policy.cpp includes RE2")
file(GLOB public_headers ${SOURCE_DIR}/include/npyguard/*.h)
forbid_include("${public_headers}" "^#include \"(base|io|codec|array|npy|zip|npz|write|cli)/|^#include <(zlib|re2|libdeflate)"
               "a public header includes a private or third-party header")

if(failures)
  message(FATAL_ERROR "the layer rule is broken (see above)")
endif()
list(LENGTH NPYGUARD_LAYERS count)
message(STATUS "layer rule holds for ${count} layers")
