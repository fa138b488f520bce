# The Debian package: `cpack --config build/CPackConfig.cmake -G DEB -B build/packages`.
# Included at the end of the root CMakeLists.txt, after every install() rule.

set(CPACK_PACKAGE_NAME vaporwatch)
set(CPACK_PACKAGE_VENDOR "Vaporwatch developers")
set(CPACK_PACKAGE_CONTACT "Vaporwatch developers <vaporwatch@users.noreply.github.com>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/vaporwatch/vaporwatch")
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)

set(CPACK_DEBIAN_PACKAGE_NAME vaporwatch)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # vaporwatch_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${CPACK_PACKAGE_HOMEPAGE_URL}")
# The extended description; CPack puts the summary line before it and indents it as
# deb-control(5) wants (an empty line becomes a " ." paragraph break).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Vaporwatch starts builds inside Daytona sandboxes (or in a local sandbox on this
machine), runs them phase by phase, streams their logs live, keeps every build and
event in SQLite or PostgreSQL, notifies from the system tray and shows the running
app in an embedded preview.

The package holds the desktop app (vaporwatch), the terminal tool with its MCP
server and HTTP API for AI agents and scripts (vaporwatch-cli), and the local
Daytona-compatible sandbox server (vaporwatch-sandboxd).")

# The libraries the programs link: found by dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What they load at run time, which dpkg-shlibdeps cannot see:
# - the Qt SQL drivers (QSQLITE is the default store, QPSQL the team store);
# - qt6-qpa-plugins: the desktop's platform theme, input methods and portal integration;
# - libqt6svg6: the SVG image-format and icon-engine plugins that draw the app's SVG icons
#   (plugins: dpkg-shlibdeps names QtSvg only if a program happens to link it).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6sql6-sqlite, libqt6sql6-psql, qt6-qpa-plugins, libqt6svg6")
# Recommended, for parts that work without them:
# - a Secret Service for the Daytona API key and the HTTP API token (QtKeychain);
# - qt6-wayland: native Wayland windows (X11 works with libqt6gui6 alone);
# - Node.js and npm: the bundled sample project that the local sandbox builds by default;
# - procps and iproute2: ps and ss, which check_process uses to name processes and ports.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "gnome-keyring | kwalletmanager | keepassxc, qt6-wayland, nodejs, npm, procps, iproute2")

include(CPack)
