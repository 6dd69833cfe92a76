# SPDX-License-Identifier: Apache-2.0
# ctest script (cmake -P): the replay driver must fail, with a message, when a corpus folder it is
# given is missing or holds no files, even next to a folder that does. Otherwise a corpus that
# moved would replay nothing and pass.
#   cmake -DDRIVER=<fuzz target> -DSEEDS=<non-empty corpus dir> -DWORK=<scratch dir> -P <this>
foreach(var DRIVER SEEDS WORK)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

# A fresh empty folder each run, so nothing left by an earlier run can fill it.
set(empty "${WORK}/empty_corpus")
file(REMOVE_RECURSE "${empty}")
file(MAKE_DIRECTORY "${empty}/nested")
set(missing "${WORK}/missing_corpus")
file(REMOVE_RECURSE "${missing}")

# expect_failure(<name> <expected stderr regex> <driver args>...)
function(expect_failure name pattern)
  execute_process(COMMAND "${DRIVER}" ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc EQUAL 0)
    message(FATAL_ERROR "${name}: the driver exited 0\nstdout: ${out}\nstderr: ${err}")
  endif()
  if(NOT rc MATCHES "^[0-9]+$")
    message(FATAL_ERROR "${name}: the driver did not exit normally: ${rc}\nstderr: ${err}")
  endif()
  if(NOT err MATCHES "${pattern}")
    message(FATAL_ERROR "${name}: stderr does not match '${pattern}'\nstderr: ${err}")
  endif()
  message(STATUS "${name}: exit ${rc} as expected")
endfunction()

expect_failure("empty folder" "holds no input files" "${empty}")
expect_failure("missing folder" "does not exist" "${missing}")
expect_failure("seeds with an empty folder" "holds no input files" "${SEEDS}" "${empty}")
expect_failure("seeds with a missing folder" "does not exist" "${SEEDS}" "${missing}")
expect_failure("no arguments" "usage:")

# The same driver on the seeds alone passes, so the failures above are the folders' doing.
execute_process(COMMAND "${DRIVER}" "${SEEDS}" RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "seeds alone: exit ${rc}\nstderr: ${err}")
endif()
file(REMOVE_RECURSE "${empty}")
