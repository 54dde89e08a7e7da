# Runs one fuzzer for SECONDS on its seed corpus: the test fuzz_<name> (cmake -P).
# New inputs go to a scratch corpus under WORK, listed first so that libFuzzer writes there and
# only reads the repository's CORPUS. A crash, leak or timeout fails the test and leaves the
# input that caused it in WORK/artifacts/ (replay it: FUZZER WORK/artifacts/crash-...).
foreach(var FUZZER CORPUS WORK SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_bounded.cmake: -D${var}= is required")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
set(options -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
            -artifact_prefix=${WORK}/artifacts/)
if(DICTIONARY)
  list(APPEND options -dict=${DICTIONARY})
endif()
execute_process(COMMAND ${FUZZER} ${options} ${WORK}/corpus ${CORPUS}
                WORKING_DIRECTORY ${WORK}
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  file(GLOB found ${WORK}/artifacts/*)
  message(FATAL_ERROR "${FUZZER} failed (${status}); its input: ${found}")
endif()
