// Benchmark of the log view (issue 4): streams a generated ~100 MB ANSI-coloured build log of
// ~1.5 M lines through the event loop into a visible vw::ui::LogView and, in the same run, into
// a QPlainTextEdit baseline, and prints each figure with its ratio and target. Exits 1 if a
// target is missed (unless --report-only). Run through tests/bench/run.sh.

#include "models/AnsiParser.h"
#include "ui/LogView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextDocument>
#include <QTimer>

#include <cstdio>
#include <functional>
#include <vector>

using vw::LogStream;

namespace {

constexpr qsizetype kChunkBytes = 64 * 1024;
const char *const kNeedle = "vw-bench-needle";

struct Chunk
{
    QString text; // raw terminal output, escape sequences included
    LogStream stream = LogStream::Stdout;
    qsizetype bytes = 0; // its size as UTF-8 (what came over the wire)
};

struct Log
{
    std::vector<Chunk> chunks;
    qint64 bytes = 0;
    qint64 lines = 0;
    qint64 stderrLines = 0;
};

// A deterministic pseudo-random source (no dependence on the platform's rand()).
struct Random
{
    quint64 state = 0x9E3779B97F4A7C15ull;
    quint32 next()
    {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<quint32>(state >> 33);
    }
    int below(int n) { return static_cast<int>(next() % static_cast<quint32>(n)); }
};

// npm/webpack-like output: SGR colours (16, 256 and 24-bit, bold, underline), '\r' progress
// lines, stderr warnings and errors, a little non-ASCII.
class LogGenerator
{
    // The few 24-bit colours a tool's theme uses (chalk.hex and the like).
    static constexpr int kRgb[8][3] = {{255, 135, 0},   {95, 175, 255}, {175, 95, 255},
                                       {0, 215, 135},   {255, 95, 135}, {215, 215, 95},
                                       {135, 135, 135}, {255, 255, 175}};

public:
    explicit LogGenerator(qint64 targetBytes)
        : m_target(targetBytes)
    {
    }

    Log generate()
    {
        Log log;
        QByteArray stdoutPending;
        const auto flush = [&](QByteArray &pending, LogStream stream, bool all) {
            while (pending.size() >= kChunkBytes || (all && !pending.isEmpty())) {
                qsizetype cut = std::min(kChunkBytes, pending.size());
                // Never split a UTF-8 sequence (a real client decodes with a stream decoder);
                // escape sequences may be split, as on the wire.
                while (cut < pending.size() && (quint8(pending[cut]) & 0xC0) == 0x80)
                    --cut;
                log.chunks.push_back({QString::fromUtf8(pending.first(cut)), stream, cut});
                pending.remove(0, cut);
            }
        };
        const qint64 needleAt = m_target - m_target / 50; // near the end
        bool needleWritten = false;
        while (log.bytes < m_target) {
            if (m_random.below(400) == 0) { // a burst of stderr lines
                flush(stdoutPending, LogStream::Stdout, true);
                QByteArray err;
                const int n = 1 + m_random.below(5);
                for (int i = 0; i < n; ++i)
                    err += stderrLine();
                log.bytes += err.size();
                log.lines += n;
                log.stderrLines += n;
                flush(err, LogStream::Stderr, true);
                continue;
            }
            QByteArray line;
            int lines = 1;
            if (!needleWritten && log.bytes >= needleAt) {
                line = QByteArray("\x1b[1mwebpack 5.88.2\x1b[22m compiled \x1b[32msuccessfully"
                                  "\x1b[39m (") +
                       kNeedle + ")\n";
                needleWritten = true;
            } else if (m_random.below(200) == 0) {
                line = progressLine();
            } else {
                line = stdoutLine();
            }
            log.bytes += line.size();
            log.lines += lines;
            stdoutPending += line;
            flush(stdoutPending, LogStream::Stdout, false);
        }
        flush(stdoutPending, LogStream::Stdout, true);
        return log;
    }

private:
    QByteArray stdoutLine()
    {
        char buf[512];
        const int n = m_random.below(100);
        const int id = m_random.below(100000);
        const int ms = m_random.below(900) + 1;
        int len = 0;
        if (n < 22) {
            len = std::snprintf(buf, sizeof buf,
                                "\x1b[32m\xe2\x9c\x94\x1b[39m Compiled \x1b[1m./src/components/"
                                "Widget%05d.tsx\x1b[22m \x1b[90m(%d ms)\x1b[39m\n",
                                id, ms);
        } else if (n < 35) {
            len = std::snprintf(buf, sizeof buf,
                                "npm \x1b[32mhttp\x1b[39m \x1b[35mfetch\x1b[39m GET 200 "
                                "https://registry.npmjs.org/pkg-%d %dms (cache hit)\n",
                                id, ms);
        } else if (n < 44) {
            len = std::snprintf(buf, sizeof buf,
                                "asset \x1b[1m\x1b[32mchunk.%08x.js\x1b[39m\x1b[22m %d.%d KiB "
                                "\x1b[1m\x1b[33m[emitted]\x1b[39m\x1b[22m (name: vendors)\n",
                                m_random.next(), ms, id % 10);
        } else if (n < 52) {
            len = std::snprintf(buf, sizeof buf,
                                "\x1b[38;5;%dm[webpack-cli]\x1b[0m modules by path "
                                "./node_modules/ %d.%d MiB %d modules\n",
                                16 + m_random.below(216), ms % 40, id % 10, id % 900);
        } else if (n < 58) {
            len = std::snprintf(
                buf, sizeof buf,
                "\x1b[38;2;%d;%d;%dm  \xe2\x97\x8f\x1b[0m "
                "\x1b[4mtranspiling\x1b[24m src/lib/util_%d.ts \x1b[3m(swc)\x1b[23m\n",
                kRgb[id % 8][0], kRgb[id % 8][1], kRgb[id % 8][2], id);
        } else if (n < 66) {
            len = std::snprintf(buf, sizeof buf,
                                "    at Module._compile (node:internal/modules/cjs/"
                                "loader:%d:%d)\n",
                                ms, id % 80);
        } else if (n < 83) {
            len = std::snprintf(buf, sizeof buf, "\x1b[2m[hmr]\x1b[22m updated ./src/a%d.ts\n", id);
        } else {
            len =
                std::snprintf(buf, sizeof buf, "  \x1b[32m+\x1b[39m pkg-%d@1.%d.0\n", id, ms % 20);
        }
        return QByteArray(buf, len);
    }

    QByteArray progressLine()
    {
        QByteArray line;
        for (int pct = 0; pct <= 100; pct += 25) {
            char buf[160];
            const int len = std::snprintf(buf, sizeof buf,
                                          "\x1b[36m[%-20s]\x1b[0m %3d%% building %d/%d modules%s",
                                          QByteArray(pct / 5, '=').constData(), pct, pct * 12, 1200,
                                          pct == 100 ? "\n" : "\r");
            line += QByteArray(buf, len);
        }
        return line;
    }

    QByteArray stderrLine()
    {
        char buf[256];
        const int id = m_random.below(100000);
        const int len =
            m_random.below(3) == 0
                ? std::snprintf(buf, sizeof buf,
                                "\x1b[31m\x1b[1mERROR\x1b[22m\x1b[39m in ./src/pages/Page%d.tsx "
                                "TS2345: Argument of type 'string' is not assignable\n",
                                id)
                : std::snprintf(buf, sizeof buf,
                                "npm \x1b[33mWARN\x1b[39m deprecated left-pad@1.%d.0: use "
                                "String.prototype.padStart()\n",
                                id % 10);
        return QByteArray(buf, len);
    }

    qint64 m_target;
    Random m_random;
};

qint64 rssBytes()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() * 4096 : 0;
}

struct StreamResult
{
    double wallMs = 0;
    double appendMs = 0;
    double maxStallMs = 0;
    qint64 bytes = 0;
    size_t chunks = 0;
};

// Feeds the chunks one per event-loop pass (a zero timer) like a live build, while a 1 ms timer
// measures the longest gap between its ticks: the worst stall the user would feel.
StreamResult streamChunks(const std::vector<Chunk> &chunks, double budgetMs,
                          const std::function<void(size_t)> &append,
                          const std::function<void()> &finish)
{
    StreamResult result;
    QEventLoop loop;
    QElapsedTimer wall;
    QElapsedTimer gap;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        result.maxStallMs = std::max(result.maxStallMs, gap.nsecsElapsed() / 1e6);
        gap.restart();
    });
    QTimer feeder;
    feeder.setInterval(0);
    QObject::connect(&feeder, &QTimer::timeout, [&] {
        if (result.chunks >= chunks.size() || wall.elapsed() > budgetMs) {
            feeder.stop();
            tick.stop();
            finish();
            result.wallMs = wall.nsecsElapsed() / 1e6;
            loop.quit();
            return;
        }
        QElapsedTimer t;
        t.start();
        append(result.chunks);
        result.appendMs += t.nsecsElapsed() / 1e6;
        result.bytes += chunks[result.chunks].bytes;
        ++result.chunks;
    });
    wall.start();
    gap.start();
    tick.start();
    feeder.start();
    loop.exec();
    return result;
}

// The baseline's input: the same log, ANSI-stripped, '\r' progress reduced to its last state,
// as whole lines per chunk (appendPlainText adds paragraphs). Prepared outside the timing.
std::vector<QString> baselineChunks(const std::vector<Chunk> &chunks)
{
    std::vector<QString> out;
    out.reserve(chunks.size());
    vw::AnsiParser parsers[2];
    QString carry[2];
    for (const Chunk &chunk : chunks) {
        const int s = chunk.stream == LogStream::Stderr ? 1 : 0;
        QString text = carry[s];
        for (const vw::AnsiSegment &segment : parsers[s].feed(chunk.text))
            text += segment.text;
        const qsizetype end = text.lastIndexOf(QLatin1Char('\n'));
        carry[s] = end < 0 ? text : text.mid(end + 1);
        QString lines = end < 0 ? QString() : text.left(end);
        if (lines.contains(QLatin1Char('\r'))) {
            QStringList split = lines.split(QLatin1Char('\n'));
            for (QString &line : split)
                line = line.mid(line.lastIndexOf(QLatin1Char('\r')) + 1);
            lines = split.join(QLatin1Char('\n'));
        }
        out.push_back(lines);
    }
    return out;
}

bool report(const char *name, const QString &figures, bool ok, bool hasTarget = true)
{
    std::printf("%-22s %s%s\n", name, qPrintable(figures),
                hasTarget ? (ok ? " OK" : " MISSED") : "");
    std::fflush(stdout);
    return ok || !hasTarget;
}

QString ms(double v)
{
    return QString::number(v, 'f', v < 10 ? 1 : 0);
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("LogView benchmark (issue 4)"));
    parser.addHelpOption();
    QCommandLineOption sizeOption(QStringLiteral("mb"), QStringLiteral("Log size in MB."),
                                  QStringLiteral("MB"), QStringLiteral("100"));
    QCommandLineOption budgetOption(QStringLiteral("baseline-seconds"),
                                    QStringLiteral("Longest baseline run; beyond it the "
                                                   "baseline is extrapolated from the prefix."),
                                    QStringLiteral("s"), QStringLiteral("25"));
    QCommandLineOption reportOnly(QStringLiteral("report-only"),
                                  QStringLiteral("Exit 0 even if a target is missed."));
    parser.addOptions({sizeOption, budgetOption, reportOnly});
    parser.process(app);
    const double mb = parser.value(sizeOption).toDouble();
    const double baselineBudgetMs = parser.value(budgetOption).toDouble() * 1000;

    QElapsedTimer timer;
    timer.start();
    const Log log = LogGenerator(qint64(mb * 1e6)).generate();
    const double logMB = log.bytes / 1e6;
    std::printf("log                    %.1f MB, %lld lines (%lld on stderr), %zu chunks of <= "
                "64 KiB, generated in %lld ms\n",
                logMB, static_cast<long long>(log.lines), static_cast<long long>(log.stderrLines),
                log.chunks.size(), static_cast<long long>(timer.elapsed()));
    const QString sizeName = QStringLiteral("%1MB").arg(qRound(logMB));
    std::printf(
        "method                 both widgets visible (1000x700), fed the same chunks one per "
        "event-loop pass; baseline: QPlainTextEdit::appendPlainText of each chunk's "
        "complete lines, ANSI-stripped and '\\r'-resolved before timing (stripping is not "
        "charged to the baseline)\n");

    bool ok = true;

    // ---- LogView ----
    const qint64 rssBefore = rssBytes();
    auto *view = new vw::ui::LogView;
    view->resize(1000, 700);
    view->show();
    QApplication::processEvents();
    const StreamResult viewResult = streamChunks(
        log.chunks, 1e12,
        [&](size_t i) {
            const Chunk &c = log.chunks[i];
            view->append(c.text, c.stream, 1700000000000 + qint64(i));
        },
        [&] {
            view->flushPendingOutput();
            view->viewport()->repaint();
        });
    const qint64 rssDelta = rssBytes() - rssBefore;
    const qint64 bufferBytes = view->buffer().memoryUsage();

    // ---- search ----
    const QString needle = QString::fromLatin1(kNeedle);
    timer.restart();
    const qsizetype needleCount = view->buffer().countMatches(needle, {});
    const double countMs = timer.nsecsElapsed() / 1e6;
    timer.restart();
    const auto found = view->buffer().find(needle, {}, 0, 0);
    const double findMs = timer.nsecsElapsed() / 1e6;
    timer.restart();
    const qsizetype commonCount =
        view->buffer().countMatches(QStringLiteral("compiled"), {}, 100'000'000);
    const double commonMs = timer.nsecsElapsed() / 1e6;
    timer.restart();
    view->setSearch(needle);
    const bool viewFound = view->findNext();
    const double viewSearchMs = timer.nsecsElapsed() / 1e6;
    timer.restart();
    const qsizetype regexCount =
        view->buffer().countMatches(QStringLiteral(R"(TS\d{4}:)"), {false, true});
    const double regexMs = timer.nsecsElapsed() / 1e6;

    // ---- baseline: QPlainTextEdit ----
    const std::vector<QString> plain = baselineChunks(log.chunks);
    auto *edit = new QPlainTextEdit;
    edit->setReadOnly(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(view->font());
    edit->resize(1000, 700);
    edit->show();
    QApplication::processEvents();
    const StreamResult baseResult = streamChunks(
        log.chunks, baselineBudgetMs,
        [&](size_t i) {
            if (!plain[i].isEmpty())
                edit->appendPlainText(plain[i]);
        },
        [&] { edit->viewport()->repaint(); });
    const bool extrapolated = baseResult.chunks < log.chunks.size();
    const double scale = double(log.bytes) / std::max<qint64>(1, baseResult.bytes);
    const double baseWallMs = baseResult.wallMs * scale;
    timer.restart();
    const QTextCursor baseFound = edit->document()->find(needle);
    const double baseFindMs = timer.nsecsElapsed() / 1e6 * scale;
    const QString prefixNote =
        extrapolated ? QStringLiteral(" (baseline extrapolated linearly from its first %1 MB "
                                      "in %2 s)")
                           .arg(baseResult.bytes / 1e6, 0, 'f', 1)
                           .arg(baseResult.wallMs / 1000, 0, 'f', 1)
                     : QString();

    // ---- figures ----
    const double appendRatio = baseWallMs / std::max(0.001, viewResult.wallMs);
    ok &= report(qPrintable(QStringLiteral("append_%1_ms").arg(sizeName)),
                 QStringLiteral("logview=%1 baseline=%2 ratio=%3x target>=20x")
                         .arg(ms(viewResult.wallMs), ms(baseWallMs))
                         .arg(appendRatio, 0, 'f', 1) +
                     prefixNote,
                 appendRatio >= 20);
    report("append_calls_ms",
           QStringLiteral("logview=%1 baseline=%2 (time inside append calls only)")
               .arg(ms(viewResult.appendMs), ms(baseResult.appendMs * scale)),
           true, false);
    ok &=
        report("max_stall_ms",
               QStringLiteral("logview=%1 baseline=%2 ratio=%3x target<=50")
                   .arg(ms(viewResult.maxStallMs), ms(baseResult.maxStallMs))
                   .arg(baseResult.maxStallMs / std::max(0.001, viewResult.maxStallMs), 0, 'f', 1),
               viewResult.maxStallMs <= 50);
    const double memRatio = double(std::max(rssDelta, bufferBytes)) / log.bytes;
    ok &= report("memory_MB",
                 QStringLiteral("buffer=%1 rss_delta=%2 log=%3 ratio=%4x target<=2.0x")
                     .arg(bufferBytes / 1e6, 0, 'f', 1)
                     .arg(rssDelta / 1e6, 0, 'f', 1)
                     .arg(logMB, 0, 'f', 1)
                     .arg(memRatio, 0, 'f', 2),
                 memRatio <= 2.0);
    ok &=
        report("search_count_ms",
               QStringLiteral("logview=%1 matches=%2 target<300").arg(ms(countMs)).arg(needleCount),
               countMs < 300 && needleCount == 1);
    ok &= report("search_find_ms",
                 QStringLiteral("logview=%1 line=%2 baseline=%3 ratio=%4x target<300")
                         .arg(ms(findMs))
                         .arg(found ? found->line : -1)
                         .arg(ms(baseFindMs))
                         .arg(baseFindMs / std::max(0.001, findMs), 0, 'f', 1) +
                     (extrapolated
                          ? QStringLiteral(" (baseline QTextDocument::find, "
                                           "extrapolated%1)")
                                .arg(baseFound.isNull() ? QString() : QStringLiteral(", found"))
                          : QStringLiteral(" (baseline QTextDocument::find)")),
                 findMs < 300 && found.has_value());
    ok &= report("search_view_ms",
                 QStringLiteral("logview=%1 (setSearch + findNext: count, find, n of m, "
                                "scroll) target<300")
                     .arg(ms(viewSearchMs)),
                 viewSearchMs < 300 && viewFound);
    report("search_common_ms",
           QStringLiteral("logview=%1 matches=%2 (\"compiled\", case-insensitive)")
               .arg(ms(commonMs))
               .arg(commonCount),
           true, false);
    report("search_regex_ms",
           QStringLiteral("logview=%1 matches=%2 (TS\\d{4}:, line by line; no target)")
               .arg(ms(regexMs))
               .arg(regexCount),
           true, false);
    std::printf("result                 %s\n", ok ? "all targets met" : "TARGET MISSED");
    delete edit;
    delete view;
    return ok || parser.isSet(reportOnly) ? 0 : 1;
}
