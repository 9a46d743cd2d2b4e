# Runs vp-gen-schema and fails when its output differs from the committed
# proto/schema.json (regenerate: build/bin/vp-gen-schema > proto/schema.json).
execute_process(COMMAND ${GEN} OUTPUT_FILE ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "vp-gen-schema failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${WANT}
  RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "proto/schema.json is stale: regenerate it with vp-gen-schema > proto/schema.json")
endif()
