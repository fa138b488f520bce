#include "app/sandboxd/MainApi.h"

#include "app/sandboxd/ApiRequest.h"
#include "app/sandboxd/ErrorBodies.h"
#include "app/sandboxd/Sandbox.h"
#include "app/sandboxd/SandboxListQuery.h"
#include "app/sandboxd/SandboxRegistry.h"

#include <QJsonArray>

namespace vw::sandboxd {

MainApi::MainApi(SandboxRegistry &registry, std::function<QString()> toolboxProxyUrl)
    : m_registry(registry)
    , m_toolboxProxyUrl(std::move(toolboxProxyUrl))
{
    const auto bind = [this](auto method) {
        return [this, method](const QStringList &captures, const ApiRequest &request,
                              const http::HttpReplyPtr &reply) {
            (this->*method)(captures, request, reply);
        };
    };
    m_routes.add("GET", QStringLiteral("/api/sandbox"), bind(&MainApi::list));
    m_routes.add("GET", QStringLiteral("/api/sandbox/{idOrName}"), bind(&MainApi::get));
    m_routes.add("POST", QStringLiteral("/api/sandbox/{idOrName}/start"), bind(&MainApi::start));
    m_routes.add("POST", QStringLiteral("/api/sandbox/{idOrName}/stop"), bind(&MainApi::stop));
    m_routes.add("GET", QStringLiteral("/api/sandbox/{idOrName}/ports/{port}/preview-url"),
                 bind(&MainApi::previewUrl));
    m_routes.add("GET", QStringLiteral("/api/sandbox/{idOrName}/toolbox-proxy-url"),
                 bind(&MainApi::toolboxProxyUrl));
}

void MainApi::handle(const ApiRequest &request, const http::HttpReplyPtr &reply)
{
    if (const auto match = m_routes.match(request.method(), request.encodedPath())) {
        match->handler(match->captures, request, reply);
        return;
    }
    // NestJS's words for an unknown route.
    fail(request, reply, 404,
         QStringLiteral("Cannot %1 %2").arg(QString::fromLatin1(request.method()), request.path()));
}

void MainApi::fail(const ApiRequest &request, const http::HttpReplyPtr &reply, int status,
                   const QString &message)
{
    reply->sendJson(status, ErrorBodies::mainApi(status, message, request.path()));
}

Sandbox *MainApi::findOrFail(const QString &idOrName, const ApiRequest &request,
                             const http::HttpReplyPtr &reply) const
{
    Sandbox *sandbox = m_registry.find(idOrName);
    if (!sandbox)
        fail(request, reply, 404,
             QStringLiteral("Sandbox with ID or name %1 not found").arg(idOrName));
    return sandbox;
}

void MainApi::list(const Captures &, const ApiRequest &request, const http::HttpReplyPtr &reply)
{
    const auto query = SandboxListQuery::parse(request.query());
    if (!query)
        return fail(request, reply, 400, query.error().message);
    const QList<Sandbox *> sandboxes = m_registry.all();
    QList<SandboxListQuery::Entry> entries;
    for (const Sandbox *sandbox : sandboxes)
        entries.append({sandbox->id(), sandbox->name(), Sandbox::stateName(sandbox->state()),
                        sandbox->labels()});
    const SandboxListQuery::Page page = query.value().apply(entries);
    QJsonArray items;
    for (qsizetype index : page.indices)
        items.append(sandboxes.at(index)->toJson(m_toolboxProxyUrl(), true));
    reply->sendJson(200, QJsonObject{
                             {QStringLiteral("items"), items},
                             {QStringLiteral("nextCursor"), page.nextCursor.isEmpty()
                                                                ? QJsonValue(QJsonValue::Null)
                                                                : QJsonValue(page.nextCursor)},
                         });
}

void MainApi::get(const Captures &captures, const ApiRequest &request,
                  const http::HttpReplyPtr &reply)
{
    if (Sandbox *sandbox = findOrFail(captures.at(0), request, reply))
        reply->sendJson(200, sandbox->toJson(m_toolboxProxyUrl(), false));
}

void MainApi::start(const Captures &captures, const ApiRequest &request,
                    const http::HttpReplyPtr &reply)
{
    Sandbox *sandbox = findOrFail(captures.at(0), request, reply);
    if (!sandbox)
        return;
    switch (sandbox->start()) {
    case Sandbox::Transition::Accepted:
        return reply->sendJson(200, sandbox->toJson(m_toolboxProxyUrl(), false));
    case Sandbox::Transition::InvalidState:
        return fail(request, reply, 400, QStringLiteral("Sandbox is not in valid state"));
    case Sandbox::Transition::InProgress:
        return fail(request, reply, 409, QStringLiteral("Sandbox state change in progress"));
    }
}

void MainApi::stop(const Captures &captures, const ApiRequest &request,
                   const http::HttpReplyPtr &reply)
{
    Sandbox *sandbox = findOrFail(captures.at(0), request, reply);
    if (!sandbox)
        return;
    const bool force = request.queryValue(QStringLiteral("force")) == QStringLiteral("true");
    switch (sandbox->stop(force)) {
    case Sandbox::Transition::Accepted:
        return reply->sendJson(200, sandbox->toJson(m_toolboxProxyUrl(), false));
    case Sandbox::Transition::InvalidState:
        return fail(request, reply, 400, QStringLiteral("Sandbox is not in a stoppable state"));
    case Sandbox::Transition::InProgress:
        return fail(request, reply, 409, QStringLiteral("Sandbox state change in progress"));
    }
}

void MainApi::previewUrl(const Captures &captures, const ApiRequest &request,
                         const http::HttpReplyPtr &reply)
{
    Sandbox *sandbox = findOrFail(captures.at(0), request, reply);
    if (!sandbox)
        return;
    bool numeric = false;
    const int port = captures.at(1).toInt(&numeric);
    if (!numeric || port < 1 || port > 65535)
        return fail(request, reply, 400, QStringLiteral("Invalid port"));
    // A local sandbox's ports are this machine's ports: the link goes straight to them. The
    // token is the sandbox's preview token, which the toolbox accepts too.
    reply->sendJson(200,
                    QJsonObject{
                        {QStringLiteral("sandboxId"), sandbox->id()},
                        {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1").arg(port)},
                        {QStringLiteral("token"), sandbox->authToken()},
                    });
}

void MainApi::toolboxProxyUrl(const Captures &captures, const ApiRequest &request,
                              const http::HttpReplyPtr &reply)
{
    if (findOrFail(captures.at(0), request, reply))
        reply->sendJson(200, QJsonObject{{QStringLiteral("url"), m_toolboxProxyUrl()}});
}

} // namespace vw::sandboxd
