#pragma once

#include <QString>
#include <QStringList>

namespace vw::engine {

// Where a build's output (its artifacts) may be, relative to the project directory, most likely
// first. ArtifactScanner lists the first candidate that exists in the sandbox.
//
// - A directory the project configures (Project::outputDirectory) wins: it is the only
//   candidate, so a misspelt setting shows up as "no output directory" instead of some other
//   directory being listed.
// - Otherwise the directory StackDetector chose for this build (stored in the build's metadata
//   as "output_directory"), then the usual places of the stack's tools:
//     node    dist (Vite, Rollup, webpack, tsc), build (Create React App, SvelteKit),
//             out (Next's static export), .next and .output (Next and Nuxt server builds)
//     python  dist (wheels and sdists)
//     rust    target/release, then target/debug
//     go      bin (what StackDetector's `go build -o bin/` writes)
//     maven   target
//     gradle  build/libs, build/distributions, then build
//     ruby    pkg (rake build)
//     php     none: composer installs, it does not build
//     make, custom, unknown: dist, build, out, bin, target
// The stack is the family of a stored stack name ("node-npm" → node).
class ArtifactLocator
{
public:
    static QStringList candidates(const QString &stack, const QString &configured,
                                  const QString &detected = {});

    // A configured or detected directory as a clean relative path ("./dist/" → "dist"); empty
    // when it is empty or leaves the project ("../x", absolute paths are kept as they are).
    static QString normalized(const QString &directory);
};

} // namespace vw::engine
