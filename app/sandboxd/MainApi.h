#pragma once

#include "app/http/HttpReply.h"
#include "app/sandboxd/RouteTable.h"

#include <functional>

namespace vw::sandboxd {

class ApiRequest;
class Sandbox;
class SandboxRegistry;

// The part of the Daytona main API (under /api) a local sandbox needs (daytona-api.md §2): list,
// get, start, stop, the preview link of a port and the toolbox proxy URL.
class MainApi
{
public:
    // toolboxProxyUrl: where this server's toolbox is, e.g. "http://127.0.0.1:8123/toolbox".
    MainApi(SandboxRegistry &registry, std::function<QString()> toolboxProxyUrl);

    // An authenticated request whose path starts with /api.
    void handle(const ApiRequest &request, const http::HttpReplyPtr &reply);

    static void fail(const ApiRequest &request, const http::HttpReplyPtr &reply, int status,
                     const QString &message);

private:
    using Captures = QStringList;
    void list(const Captures &, const ApiRequest &request, const http::HttpReplyPtr &reply);
    void get(const Captures &, const ApiRequest &request, const http::HttpReplyPtr &reply);
    void start(const Captures &, const ApiRequest &request, const http::HttpReplyPtr &reply);
    void stop(const Captures &, const ApiRequest &request, const http::HttpReplyPtr &reply);
    void previewUrl(const Captures &, const ApiRequest &request, const http::HttpReplyPtr &reply);
    void toolboxProxyUrl(const Captures &, const ApiRequest &request,
                         const http::HttpReplyPtr &reply);

    Sandbox *findOrFail(const QString &idOrName, const ApiRequest &request,
                        const http::HttpReplyPtr &reply) const;

    SandboxRegistry &m_registry;
    std::function<QString()> m_toolboxProxyUrl;
    RouteTable<const ApiRequest &, const http::HttpReplyPtr &> m_routes;
};

} // namespace vw::sandboxd
