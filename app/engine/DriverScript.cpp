#include "app/engine/DriverScript.h"

#include "app/engine/DriverEvent.h"

#include <QCoreApplication>
#include <QHash>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>

namespace vw::engine {
namespace {

// The fixed part of the driver. @…@ placeholders are replaced by quoted values; the phases are
// appended as `vw_step` lines, then the epilogue.
constexpr auto kPrologue =
    R"BASH(# Vaporwatch build driver, marker protocol v1 (generated; see app/engine/DriverEvent.h).
set -u
vw_nonce=@NONCE@
vw_dir=@DIR@
vw_clean=@CLEAN@
vw_lockfile=@LOCKFILE@
vw_deps=@DEPS@
vw_state_dir=@STATEDIR@
vw_phases=@PHASES@
vw_seq=0
vw_ts=0
vw_signal=
vw_result=success
vw_exit=0
vw_failed_phase=

vw_now() {
    local t=${EPOCHREALTIME:-}
    if [ -n "$t" ]; then
        t=${t//[.,]/}
        vw_ts=${t%???}
        return
    fi
    vw_ts=$(date +%s%3N 2>/dev/null)
    case $vw_ts in '' | *[!0-9]*) vw_ts=$(($(date +%s) * 1000)) ;; esac
}

vw_mark() {
    local m f
    vw_seq=$((vw_seq + 1))
    vw_now
    m=$'\e]7771;vw1;'"$vw_nonce;$1;seq=$vw_seq;ts=$vw_ts"
    shift
    for f in "$@"; do m+=";$f"; done
    printf '%s\a\n' "$m"
    printf '%s\a\n' "$m" >&2
}

vw_child=
# A signal cancels the build: remember it and pass SIGTERM on to the running command's group.
vw_on_signal() {
    vw_signal=${vw_signal:-$1}
    if [ -n "$vw_child" ]; then kill -TERM -- "-$vw_child" 2>/dev/null; fi
}
trap 'vw_on_signal 129' HUP
trap 'vw_on_signal 130' INT
trap 'vw_on_signal 143' TERM

vw_run() {
    local rc
    vw_mark phase-start "phase=$1"
    # The command runs in its own process group (job control just for the start), so a cancel
    # reaches everything it started; `wait` returns at once when a signal arrives.
    if [ -n "$vw_signal" ]; then
        rc=$vw_signal # cancelled just now: do not start it
    else
        set -m
        bash -o pipefail -c "$2" </dev/null &
        vw_child=$!
        set +m
        # A signal that came before vw_child was set has not been passed on yet.
        if [ -n "$vw_signal" ]; then kill -TERM -- "-$vw_child" 2>/dev/null; fi
        while :; do
            wait "$vw_child"
            rc=$?
            kill -0 "$vw_child" 2>/dev/null || break
        done
        vw_child=
    fi
    vw_mark phase-end "phase=$1" "exit=$rc"
    return "$rc"
}

vw_hash() {
    local h
    h=$(sha256sum) || return 1
    printf '%s' "${h%% *}"
}

vw_deps_present() {
    [ -d "$vw_deps" ] || return 1
    local e
    for e in "$vw_deps"/* "$vw_deps"/.[!.]* "$vw_deps"/..?*; do
        if [ -e "$e" ] || [ -L "$e" ]; then return 0; fi
    done
    return 1
}

vw_cached_install() {
    local phase=$1 cmd=$2 reason= lock_hash= command_hash= stored_lock= stored_command=
    local stored_deps= rc=0 state_file= path_hash= deps_made=0
    if ! command -v sha256sum >/dev/null 2>&1; then
        reason=no-hash-tool
    else
        path_hash=$(printf '%s' "$PWD" | vw_hash)
        state_file=${vw_state_dir:-${XDG_STATE_HOME:-${HOME:-/tmp}/.local/state}/vaporwatch/deps}/${path_hash:0:32}/install.key
        command_hash=$(printf '%s\n%s\n' "$cmd" "$vw_deps" | vw_hash)
        if [ "$vw_clean" = 1 ]; then
            reason=clean
        elif [ -z "$vw_lockfile" ] || [ ! -f "$vw_lockfile" ]; then
            reason=no-lockfile
        else
            lock_hash=$(vw_hash <"$vw_lockfile")
            if [ -f "$state_file" ]; then
                read -r stored_lock stored_command stored_deps <"$state_file" || true
            fi
            if [ -z "$stored_lock" ]; then
                reason=first-install
            elif [ "$stored_lock" != "$lock_hash" ]; then
                reason=lockfile-changed
            elif [ "$stored_command" != "$command_hash" ]; then
                reason=install-command-changed
            elif [ "$stored_deps" != 0 ] && ! vw_deps_present; then
                # (A project without dependencies has none to lose: its install made none.)
                reason=dependencies-missing
            else
                vw_mark cache-hit "phase=$phase" reason=lockfile-unchanged "key=${lock_hash:0:12}"
                vw_mark phase-skip "phase=$phase" reason=dependency-cache
                return 0
            fi
        fi
        rm -f -- "$state_file" 2>/dev/null
    fi
    vw_mark cache-miss "phase=$phase" "reason=$reason"
    vw_run "$phase" "$cmd" || rc=$?
    if [ "$rc" -eq 0 ] && [ "$reason" != no-hash-tool ] && [ -n "$vw_lockfile" ] &&
        [ -f "$vw_lockfile" ] && lock_hash=$(vw_hash <"$vw_lockfile"); then
        if vw_deps_present; then deps_made=1; fi
        if mkdir -p -- "${state_file%/*}" 2>/dev/null &&
            printf '%s %s %s\n' "$lock_hash" "$command_hash" "$deps_made" >"$state_file.$$" \
                2>/dev/null; then
            mv -f -- "$state_file.$$" "$state_file" 2>/dev/null || rm -f -- "$state_file.$$"
        fi
    fi
    return "$rc"
}

# vw_step run|cached <phase> <command>  or  vw_step skip <phase> <reason>
vw_step() {
    if [ "$vw_result" = success ] && [ -n "$vw_signal" ]; then
        vw_result=cancelled
        vw_exit=$vw_signal
    fi
    if [ "$vw_result" != success ]; then
        if [ "$vw_result" = cancelled ]; then
            vw_mark phase-skip "phase=$2" reason=build-cancelled
        else
            vw_mark phase-skip "phase=$2" reason=previous-phase-failed
        fi
        return 0
    fi
    local rc=0
    case $1 in
    run) vw_run "$2" "$3" || rc=$? ;;
    cached) vw_cached_install "$2" "$3" || rc=$? ;;
    *) vw_mark phase-skip "phase=$2" "reason=$3" ;;
    esac
    if [ -n "$vw_signal" ]; then
        vw_result=cancelled
        vw_exit=$vw_signal
        vw_failed_phase=$2
    elif [ "$rc" -ne 0 ]; then
        vw_result=failed
        vw_exit=$rc
        vw_failed_phase=$2
    fi
}

vw_mark build-start "pid=$$" "phases=$vw_phases" v=1
if ! cd -- "$vw_dir" 2>/dev/null; then
    printf 'vaporwatch: cannot enter the project directory %s\n' "$vw_dir" >&2
    vw_mark build-end result=failed exit=2 reason=no-project-dir
    exit 2
fi
)BASH";

constexpr auto kEpilogue = R"BASH(if [ "$vw_result" = success ] && [ -n "$vw_signal" ]; then
    vw_result=cancelled
    vw_exit=$vw_signal
fi
if [ -n "$vw_failed_phase" ]; then
    vw_mark build-end "result=$vw_result" "exit=$vw_exit" "phase=$vw_failed_phase"
else
    vw_mark build-end "result=$vw_result" "exit=$vw_exit"
fi
exit "$vw_exit"
)BASH";

QString tr(const char *text)
{
    return QCoreApplication::translate("vw::engine::DriverScript", text);
}

Error invalid(const QString &message)
{
    return Error{QStringLiteral("INVALID_ARGUMENT"), message, 0};
}

bool isPhaseName(QStringView name)
{
    if (name.isEmpty() || name.size() > 64)
        return false;
    for (QChar c : name) {
        const char16_t u = c.unicode();
        if (!((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') ||
              u == u'.' || u == u'_' || u == u'-'))
            return false;
    }
    return true;
}

} // namespace

QString DriverScript::newNonce()
{
    QString nonce;
    for (int i = 0; i < 4; ++i)
        nonce += QStringLiteral("%1").arg(QRandomGenerator::system()->generate(), 8, 16,
                                          QLatin1Char('0'));
    return nonce;
}

std::optional<QString> DriverScript::nonceOf(const QString &commandText)
{
    // The script starts with its header line and `vw_nonce='…'` (inside the session command's
    // quoting: `vw_nonce='\''…'\''`).
    static const QRegularExpression nonce(
        QStringLiteral(R"(# Vaporwatch build driver, marker protocol v1\b[^\n]*\n)"
                       R"(set -u\nvw_nonce=(?:'\\''|')([A-Za-z0-9]{16,64})')"));
    const auto match = nonce.match(commandText);
    if (!match.hasMatch())
        return std::nullopt;
    return match.captured(1);
}

QString DriverScript::shellQuote(QStringView text)
{
    QString quoted;
    quoted.reserve(text.size() + 2);
    quoted += QLatin1Char('\'');
    for (QChar c : text) {
        if (c == u'\'')
            quoted += QStringLiteral("'\\''");
        else
            quoted += c;
    }
    quoted += QLatin1Char('\'');
    return quoted;
}

Result<QString> DriverScript::script(const Spec &spec)
{
    if (!DriverEvent::isValidNonce(spec.nonce))
        return invalid(tr("The nonce must be 16 to 64 letters or digits."));
    if (spec.projectDirectory.isEmpty())
        return invalid(tr("The project directory is empty."));
    const QChar nul(u'\0');
    for (const QString *text : {&spec.projectDirectory, &spec.lockfile, &spec.dependencyDirectory,
                                &spec.stateDirectory}) {
        if (text->contains(nul))
            return invalid(tr("A path contains a NUL character."));
    }
    if (spec.phases.isEmpty())
        return invalid(tr("A build needs at least one phase."));

    QSet<QString> names;
    QStringList phaseNames;
    QString steps;
    int cachedPhases = 0;
    for (const Phase &phase : spec.phases) {
        if (!isPhaseName(phase.name))
            return invalid(tr("Invalid phase name \"%1\".").arg(phase.name));
        if (names.contains(phase.name))
            return invalid(tr("The phase \"%1\" appears twice.").arg(phase.name));
        names.insert(phase.name);
        phaseNames.append(phase.name);
        if (phase.command.contains(nul))
            return invalid(
                tr("The command of phase \"%1\" contains a NUL character.").arg(phase.name));
        if (phase.command.trimmed().isEmpty()) {
            const QString reason =
                phase.skipReason.isEmpty() ? QStringLiteral("no-command") : phase.skipReason;
            if (!DriverEvent::isValidToken(reason))
                return invalid(tr("Invalid skip reason \"%1\".").arg(reason));
            steps += QStringLiteral("vw_step skip %1 %2\n").arg(phase.name, reason);
            continue;
        }
        if (phase.usesDependencyCache && ++cachedPhases > 1)
            return invalid(tr("Only one phase can use the dependency cache."));
        const bool cached = phase.usesDependencyCache && !spec.dependencyDirectory.isEmpty();
        steps += QStringLiteral("vw_step %1 %2 %3\n")
                     .arg(cached ? QStringLiteral("cached") : QStringLiteral("run"), phase.name,
                          shellQuote(phase.command));
    }

    // One pass over the template, so a value that looks like a placeholder stays a value.
    const QHash<QString, QString> values{
        {QStringLiteral("NONCE"), shellQuote(spec.nonce)},
        {QStringLiteral("DIR"), shellQuote(spec.projectDirectory)},
        {QStringLiteral("CLEAN"), spec.clean ? QStringLiteral("1") : QStringLiteral("0")},
        {QStringLiteral("LOCKFILE"), shellQuote(spec.lockfile)},
        {QStringLiteral("DEPS"), shellQuote(spec.dependencyDirectory)},
        {QStringLiteral("STATEDIR"), shellQuote(spec.stateDirectory)},
        {QStringLiteral("PHASES"), phaseNames.join(u',')},
    };
    const QString prologue = QString::fromUtf8(kPrologue);
    QString text;
    qsizetype position = 0;
    while (true) {
        const qsizetype open = prologue.indexOf(u'@', position);
        const qsizetype close = open < 0 ? -1 : prologue.indexOf(u'@', open + 1);
        const QString name = close < 0 ? QString() : prologue.sliced(open + 1, close - open - 1);
        if (close < 0 || !values.contains(name)) {
            text += QStringView(prologue).sliced(position, (open < 0 ? prologue.size() : open + 1) -
                                                               position);
            if (open < 0)
                break;
            position = open + 1;
            continue;
        }
        text += QStringView(prologue).sliced(position, open - position);
        text += values.value(name);
        position = close + 1;
    }
    text += steps;
    text += QString::fromUtf8(kEpilogue);
    return text;
}

Result<QString> DriverScript::sessionCommand(const Spec &spec)
{
    auto text = script(spec);
    if (!text)
        return text.error();
    return QStringLiteral("bash -c %1 vaporwatch-driver </dev/null").arg(shellQuote(text.value()));
}

} // namespace vw::engine
