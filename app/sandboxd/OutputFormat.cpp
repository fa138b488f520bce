#include "app/sandboxd/OutputFormat.h"

#include "app/sandboxd/ApiRequest.h"

#include <QList>
#include <QVersionNumber>

namespace vw::sandboxd {

namespace {

// The daemon treats any "dev" build as current (it cannot be compared as semver).
bool isDevBuild(QByteArrayView version)
{
    return version.toByteArray().toLower().contains("dev");
}

} // namespace

OutputFormat::Mode OutputFormat::negotiate(QByteArrayView sdkVersion,
                                           QByteArrayView splitOutputHeader)
{
    const QByteArray version = sdkVersion.toByteArray().trimmed();
    if (!version.isEmpty()) {
        if (isDevBuild(version))
            return Mode::ServerDemux;
        QString text = QString::fromLatin1(version);
        if (text.startsWith(QLatin1Char('v')))
            text.remove(0, 1);
        qsizetype suffixIndex = 0;
        const QVersionNumber parsed = QVersionNumber::fromString(text, &suffixIndex);
        if (!parsed.isNull()) {
            if (parsed < QVersionNumber(0, 27, 0))
                return Mode::Combined;
            if (parsed >= QVersionNumber(0, 167, 0))
                return Mode::ServerDemux;
            return Mode::Markers;
        }
        // An unreadable version counts as none: the split header decides.
    }
    if (splitOutputHeader.toByteArray().trimmed().compare("true", Qt::CaseInsensitive) == 0)
        return Mode::Markers;
    return Mode::Combined;
}

OutputFormat::Mode OutputFormat::forRequest(const ApiRequest &request)
{
    QByteArray version = request.header("X-Daytona-SDK-Version");
    if (version.isEmpty()) {
        if (auto fromProtocol = sdkSubprotocol(request.header("Sec-WebSocket-Protocol")))
            version = fromProtocol->mid(kSubprotocolPrefix.size());
    }
    return negotiate(version, request.header("X-Daytona-Split-Output"));
}

std::optional<QByteArray> OutputFormat::sdkSubprotocol(QByteArrayView secWebSocketProtocol)
{
    for (const QByteArray &entry : secWebSocketProtocol.toByteArray().split(',')) {
        const QByteArray protocol = entry.trimmed();
        if (protocol.startsWith(kSubprotocolPrefix) && protocol.size() > kSubprotocolPrefix.size())
            return protocol;
    }
    return std::nullopt;
}

} // namespace vw::sandboxd
