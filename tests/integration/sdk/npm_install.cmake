# Installs the pinned Daytona SDK into a build-tree folder, once: `npm ci` runs again only when
# package-lock.json changes. Called as a CTest fixture:
#   cmake -DSOURCE_DIR=<this folder> -DTARGET_DIR=<build folder> -DNPM=<npm> -P npm_install.cmake
foreach(var SOURCE_DIR TARGET_DIR NPM)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "npm_install.cmake: ${var} is not set")
    endif()
endforeach()

file(MAKE_DIRECTORY "${TARGET_DIR}")
set(stamp "${TARGET_DIR}/node_modules/.vaporwatch-lock-copy.json")
foreach(f package.json package-lock.json sdk_test.mjs)
    file(COPY_FILE "${SOURCE_DIR}/${f}" "${TARGET_DIR}/${f}" ONLY_IF_DIFFERENT)
endforeach()

if(EXISTS "${stamp}")
    file(SHA256 "${stamp}" installed)
    file(SHA256 "${SOURCE_DIR}/package-lock.json" wanted)
    if(installed STREQUAL wanted)
        message(STATUS "Daytona SDK already installed in ${TARGET_DIR}")
        return()
    endif()
endif()

execute_process(
    COMMAND "${NPM}" ci --no-audit --no-fund --prefer-offline --loglevel=error
    WORKING_DIRECTORY "${TARGET_DIR}"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "npm ci failed (${result}) in ${TARGET_DIR}")
endif()
file(COPY_FILE "${SOURCE_DIR}/package-lock.json" "${stamp}")
