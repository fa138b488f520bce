#include "app/automation/ProgressLine.h"

#include "models/Build.h"

#include <QCoreApplication>
#include <QDateTime>

#include <unistd.h>

namespace {

constexpr int kBarWidth = 20;

void writeTo(FILE *stream, const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

ProgressLine::ProgressLine(bool terminal)
    : m_terminal(terminal)
{
}

bool ProgressLine::stderrIsTerminal()
{
    return ::isatty(STDERR_FILENO) == 1;
}

void ProgressLine::update(const vw::Build &build)
{
    if (build.status != vw::BuildStatus::Running)
        return;
    if (!m_terminal) {
        if (m_lastPhase == int(build.phase))
            return;
        m_lastPhase = int(build.phase);
        writeTo(stderr, QCoreApplication::translate("ProgressLine", "==> %1: %2 (%3%)")
                                .arg(vw::phaseName(build.phase), build.currentStep)
                                .arg(build.progress)
                                .toUtf8() +
                            '\n');
        return;
    }
    const int filled = qBound(0, build.progress, 100) * kBarWidth / 100;
    m_line =
        QStringLiteral("[%1%2] %3%  %4: %5  %6s")
            .arg(QString(filled, QLatin1Char('#')), QString(kBarWidth - filled, u'-'))
            .arg(build.progress, 3)
            .arg(vw::phaseName(build.phase), build.currentStep)
            .arg(build.startedAt.isValid()
                     ? double(build.startedAt.msecsTo(QDateTime::currentDateTimeUtc())) / 1000.0
                     : 0.0,
                 0, 'f', 1);
    draw();
}

void ProgressLine::write(FILE *stream, const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    const bool redraw = m_drawn;
    clear();
    writeTo(stream, bytes);
    m_atLineStart = bytes.endsWith('\n');
    if (redraw)
        draw();
}

void ProgressLine::clear()
{
    if (!m_drawn)
        return;
    writeTo(stderr, "\r\x1b[K");
    m_drawn = false;
}

void ProgressLine::draw()
{
    // A log line still being written (no '\n' yet) keeps the cursor: draw after it next time.
    if (!m_terminal || m_line.isEmpty() || !m_atLineStart)
        return;
    writeTo(stderr, "\r\x1b[K" + m_line.toUtf8());
    m_drawn = true;
}
