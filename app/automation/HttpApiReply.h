#pragma once

#include "app/http/HttpReply.h"

#include <QJsonObject>

namespace vw::automation {

// The answer to one HTTP API request: never cached (the builds change under it), JSON as one
// line ending in a newline (so `curl` output ends cleanly), errors in the API's shape.
class HttpApiReply : public http::HttpReply
{
public:
    explicit HttpApiReply(QHttpServerResponder &&responder);

    static std::shared_ptr<HttpApiReply> create(QHttpServerResponder &&responder)
    {
        return std::make_shared<HttpApiReply>(std::move(responder));
    }

    void sendJson(int status, const QJsonObject &body, const Headers &headers = {});
    // {"error": {"status": N, "message": "…"}}
    void sendError(int status, const QString &message, const Headers &headers = {});
};

using HttpApiReplyPtr = std::shared_ptr<HttpApiReply>;

} // namespace vw::automation
