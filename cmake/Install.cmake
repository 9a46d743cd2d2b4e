# Install rules, all in one place: the service binaries and the CLI,
# libvp-client (shared and static) with its headers and vindplaats.pc, man
# pages made from each binary's --help, and the law table. Included at the end
# of the top-level CMakeLists.txt, so every target exists; targets are named
# here, and no subdirectory needs an install() of its own.
#   cmake --install build --prefix /usr/local     (or DESTDIR=... for a package)
include(GNUInstallDirs)

# ---- libvp-client as others link it -----------------------------------------
# The in-tree vp_client is a static archive that leans on the vp_proto and
# vp_common archives, compiled without -fPIC for the binaries. What we install
# must stand alone, so the sources of those three targets (whatever files they
# hold, wherever they live) are compiled once more, position-independent, and
# packed as both libvp-client.so and libvp-client.a.
set(vp_client_pic_src)
foreach(t vp_client vp_proto vp_common)
  get_target_property(srcs ${t} SOURCES)
  get_target_property(dir ${t} SOURCE_DIR)
  foreach(s IN LISTS srcs)
    if(NOT s MATCHES "\\.c$")
      continue()
    endif()
    if(NOT IS_ABSOLUTE "${s}")
      set(s "${dir}/${s}")
    endif()
    list(APPEND vp_client_pic_src "${s}")
  endforeach()
endforeach()

add_library(vp_client_pic OBJECT ${vp_client_pic_src})
set_target_properties(vp_client_pic PROPERTIES POSITION_INDEPENDENT_CODE ON)
# only for the usage requirements (include directories, definitions): objects
# of an OBJECT library never link the archives themselves
target_link_libraries(vp_client_pic PRIVATE vp_client PkgConfig::MSGPACK)

add_library(vp_client_shared SHARED $<TARGET_OBJECTS:vp_client_pic>)
target_link_libraries(vp_client_shared PRIVATE nng::nng PkgConfig::MSGPACK
  Threads::Threads)
# every symbol the library exports is a vp_* one
target_link_options(vp_client_shared PRIVATE
  -Wl,--version-script=${CMAKE_CURRENT_LIST_DIR}/vp-client.map)
if(NOT VP_SANITIZE AND NOT VP_FUZZ)
  # a dependency missing from the link (and so from vindplaats.pc) fails here,
  # not in a user's program; sanitizer runtimes resolve only at load time
  target_link_options(vp_client_shared PRIVATE -Wl,--no-undefined)
endif()
set_target_properties(vp_client_shared PROPERTIES OUTPUT_NAME vp-client
  VERSION ${PROJECT_VERSION} SOVERSION 0
  LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib
  LINK_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/vp-client.map)

add_library(vp_client_static STATIC $<TARGET_OBJECTS:vp_client_pic>)
set_target_properties(vp_client_static PROPERTIES OUTPUT_NAME vp-client)

install(TARGETS vp_client_shared vp_client_static
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
# vp_client.h and what it includes, so that <vp_client.h> compiles on its own
# once installed; vp_err.h for the error codes every call returns
install(FILES
  ${PROJECT_SOURCE_DIR}/services/client/vp_client.h
  ${PROJECT_SOURCE_DIR}/proto/vp_proto.h
  ${PROJECT_SOURCE_DIR}/proto/messages.def
  ${PROJECT_SOURCE_DIR}/proto/vp_proto_fields_off.h
  ${PROJECT_SOURCE_DIR}/proto/vp_proto_fields_undef.h
  ${PROJECT_SOURCE_DIR}/common/vp_err.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/vindplaats)

# vindplaats.pc finds its prefix from its own location (${pcfiledir}), so the
# same file is right after `cmake --install --prefix P` for any P.
set(pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(VP_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH rel "/root/${pc_dir}" "/root")
  string(REGEX REPLACE "/$" "" rel "${rel}")
  set(VP_PC_PREFIX "\${pcfiledir}/${rel}")
endif()
foreach(d LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${d}}")
    set(VP_PC_${d} "${CMAKE_INSTALL_${d}}")
  else()
    set(VP_PC_${d} "\${prefix}/${CMAKE_INSTALL_${d}}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/vindplaats.pc.in
  ${CMAKE_BINARY_DIR}/vindplaats.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/vindplaats.pc DESTINATION ${pc_dir})

# ---- programs ---------------------------------------------------------------
# name and the one line of its man page's NAME section; tests, benches and
# fixtures (vp-httpfix, vp-gen-schema) are not installed
set(vp_programs
  "vindplaats|find, resolve and check the citations in Dutch government documents"
  "vp-dispatcher|Vindplaats front door: API requests in, jobs out to the workers"
  "vp-splitter|Vindplaats worker: documents into segments with offsets"
  "vp-parser|Vindplaats worker: citations in segments"
  "vp-fetcher|Vindplaats worker: URL checks and online lookups"
  "vp-linkmon|Vindplaats link-rot monitor"
  "vp-gateway|Vindplaats HTTP/JSON API in front of a dispatcher")

find_program(HELP2MAN help2man)
if(NOT HELP2MAN)
  message(WARNING "help2man not found: no man pages (scripts/setup.sh installs it)")
endif()
set(vp_man_pages)
foreach(entry IN LISTS vp_programs)
  string(REPLACE "|" ";" entry "${entry}")
  list(GET entry 0 prog)
  list(GET entry 1 what)
  if(NOT TARGET ${prog})
    continue()
  endif()
  install(TARGETS ${prog} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  if(HELP2MAN AND NOT CMAKE_CROSSCOMPILING)
    set(page ${CMAKE_BINARY_DIR}/man/${prog}.1)
    add_custom_command(OUTPUT ${page}
      COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/gen-man.sh ${HELP2MAN}
        $<TARGET_FILE:${prog}> ${PROJECT_VERSION} "${what}" ${page}
      DEPENDS ${prog} ${CMAKE_CURRENT_LIST_DIR}/gen-man.sh
      WORKING_DIRECTORY ${CMAKE_BINARY_DIR}/man
      COMMENT "Man page ${prog}.1 from ${prog} --help" VERBATIM)
    list(APPEND vp_man_pages ${page})
  endif()
endforeach()
if(vp_man_pages)
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/man)
  add_custom_target(vp_man ALL DEPENDS ${vp_man_pages})
  install(FILES ${vp_man_pages} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()

# ---- data -------------------------------------------------------------------
# The law tables the built-in index is made of (the binaries do not read
# them: they are here to read, to edit, and to load with --parser-laws).
install(FILES ${PROJECT_SOURCE_DIR}/data/bwb-titles.tsv
  ${PROJECT_SOURCE_DIR}/data/bwb-titles.README.md
  ${PROJECT_SOURCE_DIR}/data/law-abbrev.tsv
  ${PROJECT_SOURCE_DIR}/data/eu-acts.tsv
  DESTINATION ${CMAKE_INSTALL_DATADIR}/vindplaats)

# ---- test: install into a temporary prefix, build against vindplaats.pc -----
# Not under the sanitizers or libFuzzer: a program built with plain
# `pkg-config --libs` cannot load a library that needs their runtimes.
find_program(PKG_CONFIG_BIN NAMES pkg-config pkgconf)
if(NOT VP_SANITIZE AND NOT VP_FUZZ AND PKG_CONFIG_BIN)
  add_test(NAME install_pkgconfig
    COMMAND bash ${PROJECT_SOURCE_DIR}/tests/install/install_pkgconfig.sh
      ${CMAKE_BINARY_DIR})
  set_tests_properties(install_pkgconfig PROPERTIES TIMEOUT 120
    ENVIRONMENT "VP_ROOT=${PROJECT_SOURCE_DIR};CC=${CMAKE_C_COMPILER};PKG_CONFIG=${PKG_CONFIG_BIN}")
endif()
