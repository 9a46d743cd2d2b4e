# Integration tests of the fetcher (real processes on 127.0.0.1, archive and
# lookup services pointed at the fixture; vp-httpfix is built by
# tests/fixtures, added after this directory). Included once from
# tests/integration/CMakeLists.txt; the guard keeps it registered once.
include_guard(GLOBAL)
find_program(VP_FETCH_BASH bash)
find_program(VP_FETCH_JQ jq)
find_program(VP_FETCH_CURL curl)
if(NOT VP_FETCH_BASH OR NOT VP_FETCH_JQ OR NOT VP_FETCH_CURL
   OR NOT TARGET vp-fetcher)
  message(WARNING "integration_fetch needs bash, jq and curl")
  return()
endif()
foreach(t fetch check_scale)
  add_test(NAME integration_${t}
    COMMAND ${VP_FETCH_BASH} ${CMAKE_CURRENT_LIST_DIR}/it_${t}.sh)
  set_tests_properties(integration_${t} PROPERTIES TIMEOUT 300
    ENVIRONMENT "VP_ROOT=${PROJECT_SOURCE_DIR};VP_BIN=${CMAKE_BINARY_DIR}/bin"
    RESOURCE_LOCK loopback_fixture)
endforeach()
