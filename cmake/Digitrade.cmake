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

# digitrade_test(<name> SOURCES ... [DEPS ...] [RESOURCE_LOCK <lock>])
# RESOURCE_LOCK keeps ctest -j from running these tests at the same time as
# others holding the same lock (for example one shared PostgreSQL database).
function(digitrade_test name)
  if(NOT DIGITRADE_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "RESOURCE_LOCK" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${DIGITRADE_WARNINGS})
  # Tests find testdata through DIGITRADE_SOURCE_DIR (environment first, so a
  # moved checkout still works; this compiled-in default otherwise).
  target_compile_definitions(${name} PRIVATE DIGITRADE_SOURCE_DIR_DEFAULT="${PROJECT_SOURCE_DIR}")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  set(props ENVIRONMENT "DIGITRADE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  if(ARG_RESOURCE_LOCK)
    list(APPEND props RESOURCE_LOCK ${ARG_RESOURCE_LOCK})
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES ${props})
endfunction()
