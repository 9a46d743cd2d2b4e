# Integration tests of the link monitor (real processes on 127.0.0.1).
# Included from tests/unit/linkmon/CMakeLists.txt and from
# tests/integration/CMakeLists.txt: the guard registers them exactly once.
include_guard(GLOBAL)
find_program(VP_LM_BASH bash)
find_program(VP_LM_JQ jq)
find_program(VP_LM_SQLITE3 sqlite3)
if(NOT VP_LM_BASH OR NOT VP_LM_JQ OR NOT TARGET vp-linkmon)
  return()
endif()
# it_linkmon.sh's subscriber of link.changed events (into bin/)
add_executable(lm_sub ${PROJECT_SOURCE_DIR}/tests/unit/linkmon/lm_sub.c)
target_link_libraries(lm_sub vp_proto vp_common)
set(vp_lm_tests linkmon)
if(VP_LM_SQLITE3)
  list(APPEND vp_lm_tests linkmon_crash)
else()
  message(WARNING "integration_linkmon_crash needs the sqlite3 CLI")
endif()
foreach(t ${vp_lm_tests})
  if(NOT EXISTS ${CMAKE_CURRENT_LIST_DIR}/it_${t}.sh)
    continue()
  endif()
  add_test(NAME integration_${t}
    COMMAND ${VP_LM_BASH} ${CMAKE_CURRENT_LIST_DIR}/it_${t}.sh)
  set_tests_properties(integration_${t} PROPERTIES TIMEOUT 120
    ENVIRONMENT "VP_ROOT=${PROJECT_SOURCE_DIR};VP_BIN=${CMAKE_BINARY_DIR}/bin"
    RESOURCE_LOCK loopback_fixture)
endforeach()
