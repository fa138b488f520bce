#include "app/automation/LiveLogsCommand.h"

#include "app/automation/InterruptWatcher.h"
#include "app/engine/BuildHub.h"
#include "app/engine/LogTailReader.h"
#include "models/BuildStore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

using namespace vw;
using namespace vw::engine;

namespace {

void writeTo(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

bool LiveLogsCommand::start(const QStringList &arguments)
{
    QCommandLineParser parser;
    const QCommandLineOption build(QStringLiteral("build"), tr("The build."), tr("ID"));
    const QCommandLineOption phase(QStringLiteral("phase"), tr("Only this phase's log."),
                                   tr("install|build"));
    const QCommandLineOption tail(QStringLiteral("tail"), tr("Only the last N lines."), tr("N"));
    const QCommandLineOption followOption(QStringLiteral("follow"),
                                          tr("Go on printing until the build ends."));
    const QCommandLineOption json(QStringLiteral("json"), tr("Print JSON Lines."));
    parser.addOptions({build, phase, tail, followOption, json});
    if (!parse(parser, arguments))
        return false;
    const std::optional<qint64> id = buildIdOption(
        parser, tr("usage: get_live_logs --build ID [--phase install|build] [--tail N] "
                   "[--follow] [--json]"));
    if (!id)
        return false;
    m_buildId = *id;
    if (parser.isSet(phase)) {
        const std::optional<Phase> p = phaseFromName(parser.value(phase));
        if (p != Phase::Install && p != Phase::Build) {
            printError(tr("--phase is install or build, not \"%1\"").arg(parser.value(phase)));
            return false;
        }
        m_selection.phase = p;
    }
    if (parser.isSet(tail)) {
        const std::optional<qint64> n = positiveNumber(parser.value(tail), tr("--tail"));
        if (!n)
            return false;
        m_tail = int(qMin<qint64>(*n, std::numeric_limits<int>::max()));
    }
    m_follow = parser.isSet(followOption);
    m_json = parser.isSet(json);
    openStore([this] {
        store()->build(m_buildId)->onResult(this, [this](const Result<Build> &b) {
            if (!b) {
                fail(b.error().toString());
                return;
            }
            m_exitCode = b.value().status == BuildStatus::Success ? 0 : 1;
            m_ended = b.value().isFinished();
            if (!m_follow || m_ended) {
                printInitial();
                return;
            }
            // Follow: the hub reports the build's progress, whether this process re-attaches
            // it (nobody followed it) or another process follows it.
            connectEngine([this] { follow(); });
        });
    });
    return true;
}

void LiveLogsCommand::printInitial()
{
    LogTailReader::read(store(), m_buildId, m_selection, m_tail)
        ->onResult(this, [this](const Result<LogSlice> &slice) {
            if (!slice) {
                fail(slice.error().toString());
                return;
            }
            print(slice.value());
            // A followed build that had already ended: its log is complete.
            finish(m_follow ? m_exitCode : 0);
        });
}

void LiveLogsCommand::follow()
{
    connect(hub(), &BuildHub::logAppended, this,
            [this](qint64 id, Phase, LogStream, const QString &, qint64, qint64) {
                if (id == m_buildId)
                    readNew();
            });
    connect(hub(), &BuildHub::buildFinished, this, [this](const Build &b) {
        if (b.id != m_buildId)
            return;
        m_exitCode = b.status == BuildStatus::Success ? 0 : 1;
        m_ended = true;
        readNew();
    });
    auto *interrupts = new InterruptWatcher(this);
    connect(interrupts, &InterruptWatcher::interrupted, this, [this](int) { finish(130); });
    m_reading = true; // until the initial print is done, arrivals only mark m_readAgain
    LogTailReader::read(store(), m_buildId, m_selection, m_tail)
        ->onResult(this, [this](const Result<LogSlice> &slice) {
            m_reading = false;
            if (!consume(slice))
                return;
            // The build may have ended before the hub was connected.
            store()->build(m_buildId)->onResult(this, [this](const Result<Build> &b) {
                if (b && b.value().isFinished()) {
                    m_exitCode = b.value().status == BuildStatus::Success ? 0 : 1;
                    m_ended = true;
                }
                readNew();
            });
        });
}

// Reads everything after m_offset; one read at a time, arrivals during a read cause one more.
void LiveLogsCommand::readNew()
{
    if (m_reading) {
        m_readAgain = true;
        return;
    }
    m_reading = true;
    m_readAgain = false;
    const bool lastRead = m_ended;
    store()
        ->readLog(m_buildId, m_selection, m_offset, -1)
        ->onResult(this, [this, lastRead](const Result<LogSlice> &slice) {
            m_reading = false;
            if (!consume(slice))
                return;
            if (lastRead)
                finish(m_exitCode);
            else if (m_readAgain || m_ended)
                readNew();
        });
}

// Prints a slice read while following and moves the offset past it; false (and the command
// ends) when the read failed.
bool LiveLogsCommand::consume(const Result<LogSlice> &slice)
{
    if (!slice) {
        fail(slice.error().toString());
        return false;
    }
    print(slice.value());
    m_offset = slice.value().end();
    return true;
}

void LiveLogsCommand::print(const LogSlice &slice)
{
    qint64 offset = slice.offset;
    for (const LogSlice::Piece &piece : slice.pieces) {
        if (m_json) {
            const QJsonObject line{
                {QStringLiteral("offset"), offset},
                {QStringLiteral("phase"), phaseName(piece.phase)},
                {QStringLiteral("stream"), logStreamName(piece.stream)},
                {QStringLiteral("text"), QString::fromUtf8(piece.data)},
            };
            writeTo(stdout, QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n');
        } else {
            writeTo(piece.stream == LogStream::Stdout ? stdout : stderr, piece.data);
        }
        offset += piece.data.size();
    }
}
