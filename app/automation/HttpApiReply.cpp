#include "app/automation/HttpApiReply.h"

#include "app/automation/BuildApiJson.h"

#include <QJsonDocument>

namespace vw::automation {

HttpApiReply::HttpApiReply(QHttpServerResponder &&responder)
    : HttpReply(std::move(responder), {{"Cache-Control", "no-store"}})
{
}

void HttpApiReply::sendJson(int status, const QJsonObject &body, const Headers &headers)
{
    sendBytes(status, QJsonDocument(body).toJson(QJsonDocument::Compact) + '\n',
              "application/json; charset=utf-8", headers);
}

void HttpApiReply::sendError(int status, const QString &message, const Headers &headers)
{
    sendJson(status, BuildApiJson::error(status, message), headers);
}

} // namespace vw::automation
