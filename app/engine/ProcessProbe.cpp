#include "app/engine/ProcessProbe.h"

#include <QHash>
#include <QRegularExpression>
#include <QStringList>

namespace vw::engine {

namespace {

const QString kMarker = QStringLiteral("@@vw-probe ");

// The port of "127.0.0.1:3000", "[::]:3000", "*:3000", "127.0.0.1%lo:3000"; 0 when none.
int portOfAddress(const QString &address)
{
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return 0;
    bool numeric = false;
    const int port = address.mid(colon + 1).toInt(&numeric);
    return numeric && port > 0 && port < 65536 ? port : 0;
}

} // namespace

QString ProcessProbe::script(bool processes, std::optional<int> port)
{
    QString script = QStringLiteral("echo \"@@vw-probe self $$\"\n");
    if (processes)
        script += QStringLiteral(
            "if command -v ps >/dev/null 2>&1; then\n"
            "  echo '@@vw-probe ps-args'\n"
            "  ps -eo pid=,ppid=,args= 2>/dev/null || ps -o pid,ppid,args 2>/dev/null\n"
            "  echo '@@vw-probe ps-names'\n"
            "  ps -eo pid=,comm= 2>/dev/null || ps -o pid,comm 2>/dev/null\n"
            "else\n"
            "  echo '@@vw-probe missing ps'\n"
            "fi\n");
    if (port)
        script += QStringLiteral("echo '@@vw-probe port %1'\n"
                                 "if command -v ss >/dev/null 2>&1; then\n"
                                 "  echo '@@vw-probe ss'\n"
                                 "  ss -ltnp 2>/dev/null\n"
                                 "elif command -v lsof >/dev/null 2>&1; then\n"
                                 "  echo '@@vw-probe lsof'\n"
                                 "  lsof -nP -iTCP:%1 -sTCP:LISTEN -Fpcn 2>/dev/null\n"
                                 "else\n"
                                 "  echo '@@vw-probe missing socket-tool'\n"
                                 "fi\n")
                      .arg(*port);
    script += QStringLiteral("echo '@@vw-probe end'\n");
    return script;
}

ProcessProbe::Output ProcessProbe::parse(const QString &output)
{
    Output result;
    QHash<QString, QString> sections; // section name → its text
    QString section;
    int port = 0;
    bool psMissing = false;
    for (const QString &line : output.split(QLatin1Char('\n'))) {
        if (!line.startsWith(kMarker)) {
            if (!section.isEmpty())
                sections[section] += line + QLatin1Char('\n');
            continue;
        }
        const QStringList words = line.mid(kMarker.size()).trimmed().split(QLatin1Char(' '));
        const QString &word = words.first();
        section.clear();
        if (word == QLatin1String("self"))
            result.selfPid = words.value(1).toLongLong();
        else if (word == QLatin1String("port")) {
            result.portAsked = true;
            port = words.value(1).toInt();
        } else if (word == QLatin1String("missing"))
            psMissing = psMissing || words.value(1) == QLatin1String("ps");
        else if (word != QLatin1String("end"))
            section = word;
    }

    result.hasPs = sections.contains(QStringLiteral("ps-args")) && !psMissing;
    if (result.hasPs) {
        QHash<qint64, QString> names;
        for (const auto &[pid, name] : parsePsNames(sections.value(QStringLiteral("ps-names"))))
            names.insert(pid, name);
        for (Process process : parsePsArgs(sections.value(QStringLiteral("ps-args")))) {
            if (result.selfPid > 0 &&
                (process.pid == result.selfPid || process.parentPid == result.selfPid))
                continue; // the probe itself and the ps it runs
            process.name = names.value(process.pid);
            result.processes.append(process);
        }
    }
    if (sections.contains(QStringLiteral("ss"))) {
        result.socketTool = QStringLiteral("ss");
        result.listeners = parseSs(sections.value(QStringLiteral("ss")), port);
    } else if (sections.contains(QStringLiteral("lsof"))) {
        result.socketTool = QStringLiteral("lsof");
        result.listeners = parseLsof(sections.value(QStringLiteral("lsof")), port);
    }
    return result;
}

QList<ProcessProbe::Process> ProcessProbe::parsePsArgs(const QString &text)
{
    static const QRegularExpression line(QStringLiteral("^\\s*(\\d+)\\s+(\\d+)(?:\\s(.*))?$"));
    QList<Process> processes;
    for (const QString &row : text.split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch match = line.match(row);
        if (!match.hasMatch())
            continue; // a header ("PID PPID COMMAND") or noise
        Process process;
        process.pid = match.captured(1).toLongLong();
        process.parentPid = match.captured(2).toLongLong();
        process.commandLine = match.captured(3).trimmed();
        processes.append(process);
    }
    return processes;
}

QList<QPair<qint64, QString>> ProcessProbe::parsePsNames(const QString &text)
{
    static const QRegularExpression line(QStringLiteral("^\\s*(\\d+)\\s(.*)$"));
    QList<QPair<qint64, QString>> names;
    for (const QString &row : text.split(QLatin1Char('\n'))) {
        const QRegularExpressionMatch match = line.match(row);
        if (match.hasMatch())
            names.append({match.captured(1).toLongLong(), match.captured(2).trimmed()});
    }
    return names;
}

QList<ProcessProbe::Listener> ProcessProbe::parseSs(const QString &text, int port)
{
    static const QRegularExpression user(
        QStringLiteral("\\(\"((?:[^\"\\\\]|\\\\.)*)\",pid=(\\d+)"));
    QList<Listener> listeners;
    for (const QString &row : text.split(QLatin1Char('\n'))) {
        const QStringList words = row.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
        if (words.isEmpty() || words.first() == QLatin1String("State") ||
            words.first() == QLatin1String("Netid"))
            continue;
        if (words.first() != QLatin1String("LISTEN") && !words.first().at(0).isDigit())
            continue; // another state, or not a socket line
        // The local address is the first address:port word (State, Recv-Q and Send-Q before it).
        int localPort = 0;
        for (const QString &word : words) {
            if ((localPort = portOfAddress(word)) > 0)
                break;
        }
        if (localPort == 0 || (port > 0 && localPort != port))
            continue;
        bool any = false;
        auto users = user.globalMatch(row);
        while (users.hasNext()) {
            const QRegularExpressionMatch match = users.next();
            const Listener listener{localPort, match.captured(2).toLongLong(), match.captured(1)};
            if (!listeners.contains(listener))
                listeners.append(listener);
            any = true;
        }
        if (!any && !listeners.contains(Listener{localPort, 0, {}}))
            listeners.append(Listener{localPort, 0, {}});
    }
    return listeners;
}

QList<ProcessProbe::Listener> ProcessProbe::parseLsof(const QString &text, int port)
{
    QList<Listener> listeners;
    qint64 pid = 0;
    QString name;
    for (const QString &row : text.split(QLatin1Char('\n'))) {
        if (row.isEmpty())
            continue;
        const QChar field = row.at(0);
        const QString value = row.mid(1);
        if (field == QLatin1Char('p')) {
            pid = value.toLongLong();
            name.clear();
        } else if (field == QLatin1Char('c')) {
            name = value;
        } else if (field == QLatin1Char('n')) {
            const int localPort = portOfAddress(value.section(QStringLiteral("->"), 0, 0));
            if (pid <= 0 || localPort == 0 || (port > 0 && localPort != port))
                continue;
            const Listener listener{localPort, pid, name};
            if (!listeners.contains(listener))
                listeners.append(listener);
        }
    }
    return listeners;
}

bool ProcessProbe::matchesName(const Process &process, const QString &name)
{
    if (name.isEmpty())
        return false;
    // The kernel keeps 15 characters of a command name.
    if (process.name == name || (name.size() > 15 && process.name == name.left(15)))
        return true;
    // The program, and the script an interpreter runs (its first argument that is no option).
    const QStringList words = process.commandLine.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < words.size() && i < 2; ++i) {
        const QString &word = words.at(i);
        if (i > 0 && word.startsWith(QLatin1Char('-')))
            break;
        if (word == name || word.section(QLatin1Char('/'), -1) == name)
            return true;
    }
    return false;
}

} // namespace vw::engine
