# Build helpers shared by every module. A module is one static library
# (digitrade_<name>) with its unit tests beside the code in one test
# executable (<name>_test), registered with gtest_discover_tests.

set(DIGITRADE_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wno-missing-field-initializers)
if(DIGITRADE_WERROR)
  list(APPEND DIGITRADE_WARNINGS -Werror)
endif()

if(DIGITRADE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# digitrade_module(<name> SOURCES ... [DEPS ...] [PUBLIC_DEPS ...])
function(digitrade_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PUBLIC_DEPS" ${ARGN})
  add_library(digitrade_${name} STATIC ${ARG_SOURCES})
  target_include_directories(digitrade_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(digitrade_${name} PRIVATE ${DIGITRADE_WARNINGS})
  target_link_libraries(digitrade_${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_DEPS})
endfunction()

# digitrade_test(<name> SOURCES ... [DEPS ...])
function(digitrade_test name)
  if(NOT DIGITRADE_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${DIGITRADE_WARNINGS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
    PROPERTIES ENVIRONMENT "DIGITRADE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
