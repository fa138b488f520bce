#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace vw::sandboxd {

// Method + path pattern → handler. Patterns are written like "/process/session/{id}/exec": a
// {name} segment captures one path segment (percent-decoded), anything else must match exactly.
// sandboxd routes itself because its paths nest under a sandbox id at arbitrary depth and the
// same table must serve plain HTTP and WebSocket upgrades.
template<typename... Context>
class RouteTable
{
public:
    using Handler = std::function<void(const QStringList &captures, Context...)>;

    void add(const QByteArray &method, const QString &pattern, Handler handler)
    {
        m_routes.append({method, splitPattern(pattern), std::move(handler)});
    }

    // The handler for a request and the captured segments, or nullopt.
    struct Match
    {
        Handler handler;
        QStringList captures;
    };
    std::optional<Match> match(const QByteArray &method, const QByteArray &encodedPath) const
    {
        const QList<QByteArray> segments = splitPath(encodedPath);
        for (const Route &route : m_routes) {
            if (route.method != method)
                continue;
            if (auto captures = matchSegments(route.pattern, segments))
                return Match{route.handler, *captures};
        }
        return std::nullopt;
    }

    static QStringList splitPattern(const QString &pattern);
    static QList<QByteArray> splitPath(const QByteArray &encodedPath);
    // Captured values for the {…} segments when the path fits the pattern.
    static std::optional<QStringList> matchSegments(const QStringList &pattern,
                                                    const QList<QByteArray> &segments);

private:
    struct Route
    {
        QByteArray method;
        QStringList pattern;
        Handler handler;
    };
    QList<Route> m_routes;
};

// The matching helpers do not depend on the handler type.
QStringList routeSplitPattern(const QString &pattern);
QList<QByteArray> routeSplitPath(const QByteArray &encodedPath);
std::optional<QStringList> routeMatchSegments(const QStringList &pattern,
                                              const QList<QByteArray> &segments);

template<typename... Context>
QStringList RouteTable<Context...>::splitPattern(const QString &pattern)
{
    return routeSplitPattern(pattern);
}

template<typename... Context>
QList<QByteArray> RouteTable<Context...>::splitPath(const QByteArray &encodedPath)
{
    return routeSplitPath(encodedPath);
}

template<typename... Context>
std::optional<QStringList> RouteTable<Context...>::matchSegments(const QStringList &pattern,
                                                                 const QList<QByteArray> &segments)
{
    return routeMatchSegments(pattern, segments);
}

} // namespace vw::sandboxd
