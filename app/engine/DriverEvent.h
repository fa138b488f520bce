#pragma once

#include <QMap>
#include <QString>
#include <QStringView>

#include <optional>

namespace vw::engine {

// One announcement of the build driver script (see DriverScript), parsed from a marker line.
//
// The marker protocol, version 1. The driver writes every marker as one line, to stdout AND to
// stderr (so each stream can be cut into phases on its own, whatever order the daemon interleaves
// them in):
//
//     ESC ] 7771 ; vw1 ; <nonce> ; <kind> ; seq=<n> ; ts=<epoch ms> [; <key>=<value>]… BEL LF
//
// - ESC ] … BEL is an OSC escape sequence: terminals and our ANSI parser drop it, so a raw log
//   stays readable. ESC \ (ST) is accepted as the terminator too.
// - <nonce> is the build's random nonce (16–64 letters or digits); a marker with another nonce,
//   none, an unknown kind or a missing required key is not a marker but user output.
// - seq counts the markers of one driver run from 1 (the copy on stderr repeats the number, so
//   duplicates are recognisable); ts is the driver's clock in milliseconds since the epoch, so a
//   build's state can be rebuilt from its log alone.
// - Values are tokens of [A-Za-z0-9._,:+-] (no ';', no spaces); unknown keys are kept in
//   `fields` and ignored, so later versions may add keys.
//
// Kinds and their keys (besides seq and ts):
//     build-start   pid=<driver pid> phases=<name,name,…> v=1
//     phase-start   phase=<name>
//     phase-end     phase=<name> exit=<exit code>
//     phase-skip    phase=<name> reason=<no-command | no-build-script | dependency-cache |
//                                       previous-phase-failed | build-cancelled | …>
//     cache-hit     phase=<name> reason=lockfile-unchanged key=<12 hex digits>
//     cache-miss    phase=<name> reason=<clean | no-lockfile | no-hash-tool | first-install |
//                                       lockfile-changed | install-command-changed |
//                                       dependencies-missing>
//     build-end     result=<success | failed | cancelled> exit=<exit code> [phase=<name>]
//                   [reason=no-project-dir]
struct DriverEvent
{
    enum class Kind {
        BuildStarted,
        PhaseStarted,
        PhaseFinished,
        PhaseSkipped,
        CacheHit,
        CacheMiss,
        BuildFinished,
    };

    static constexpr int kOscCode = 7771;
    static constexpr QStringView kProtocol = u"vw1";

    Kind kind = Kind::BuildStarted;
    qint64 sequence = 0;
    qint64 timestampMs = 0;
    QString phase;                 // phase-*, cache-*; build-end: the phase that failed
    std::optional<int> exitCode;   // phase-end, build-end
    QString reason;                // phase-skip, cache-*, build-end
    QString result;                // build-end: success, failed or cancelled
    QMap<QString, QString> fields; // every key=value of the marker, known or not

    static QString kindName(Kind kind);
    // "kind:phase:result:exit:reason" with the empty parts left out, e.g. "phase-end:install:1"
    // (for logs and tests).
    QString summary() const;
    static std::optional<Kind> kindFromName(QStringView name);

    // The text every marker of this nonce starts with: "\x1b]7771;vw1;<nonce>;".
    static QString markerPrefix(QStringView nonce);
    // Whether `nonce` is acceptable (16–64 ASCII letters and digits).
    static bool isValidNonce(QStringView nonce);
    // Whether `value` may appear as a field value (or a phase name, a reason) in a marker.
    static bool isValidToken(QStringView value);

    // Parses the part of a marker between "ESC ]" and its terminator, e.g.
    // "7771;vw1;<nonce>;phase-end;seq=3;ts=1700000000000;phase=build;exit=0". nullopt when it is
    // not a valid marker of `nonce`.
    static std::optional<DriverEvent> parse(QStringView body, QStringView nonce);
    // The whole marker line for this event (ESC … BEL LF), fields from the typed members plus
    // `fields`. For tests and tools; the driver script writes its own.
    QString toMarker(QStringView nonce) const;

    friend bool operator==(const DriverEvent &, const DriverEvent &) = default;
};

} // namespace vw::engine
