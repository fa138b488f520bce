#include "app/sandboxd/SandboxListQuery.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vw::sandboxd {

namespace {

const QByteArray kCursorPrefix = "after:";

Error badRequest(const QString &message)
{
    return Error{QStringLiteral("BAD_REQUEST"), message, 400};
}

} // namespace

QString SandboxListQuery::cursorAfter(const QString &name)
{
    return QString::fromLatin1(
        (kCursorPrefix + name.toUtf8())
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

Result<SandboxListQuery> SandboxListQuery::parse(const QUrlQuery &query)
{
    SandboxListQuery parsed;
    const auto value = [&query](const QString &key) {
        return query.queryItemValue(key, QUrl::FullyDecoded);
    };

    if (query.hasQueryItem(QStringLiteral("limit"))) {
        bool numeric = false;
        const int limit = value(QStringLiteral("limit")).toInt(&numeric);
        if (!numeric)
            return badRequest(QStringLiteral("limit must be an integer number"));
        if (limit < 1)
            return badRequest(QStringLiteral("limit must not be less than 1"));
        if (limit > kMaxLimit)
            return badRequest(QStringLiteral("limit must not be greater than 200"));
        parsed.m_limit = limit;
    }

    if (const QString cursor = value(QStringLiteral("cursor")); !cursor.isEmpty()) {
        const auto decoded = QByteArray::fromBase64Encoding(
            cursor.toLatin1(),
            QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || !(*decoded).startsWith(kCursorPrefix))
            return badRequest(QStringLiteral("Invalid cursor"));
        parsed.m_afterName = QString::fromUtf8((*decoded).mid(kCursorPrefix.size()));
        parsed.m_hasCursor = true;
    }

    if (const QString labels = value(QStringLiteral("labels")); !labels.isEmpty()) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(labels.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return badRequest(QStringLiteral("labels must be a JSON object"));
        const QJsonObject object = document.object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isString())
                return badRequest(QStringLiteral("labels values must be strings"));
            parsed.m_labels.insert(it.key(), it.value().toString());
        }
    }

    parsed.m_idPrefix = value(QStringLiteral("id"));
    parsed.m_namePrefix = value(QStringLiteral("name"));
    parsed.m_states = query.allQueryItemValues(QStringLiteral("states"), QUrl::FullyDecoded);
    return parsed;
}

bool SandboxListQuery::matches(const Entry &entry) const
{
    if (!entry.id.startsWith(m_idPrefix, Qt::CaseInsensitive))
        return false;
    if (!entry.name.startsWith(m_namePrefix, Qt::CaseInsensitive))
        return false;
    if (!m_states.isEmpty() && !m_states.contains(entry.state))
        return false;
    for (auto it = m_labels.cbegin(); it != m_labels.cend(); ++it) {
        const auto found = entry.labels.constFind(it.key());
        if (found == entry.labels.cend() || found.value() != it.value())
            return false;
    }
    return true;
}

SandboxListQuery::Page SandboxListQuery::apply(const QList<Entry> &entries) const
{
    Page page;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const Entry &entry = entries.at(i);
        if (m_hasCursor && entry.name <= m_afterName)
            continue;
        if (!matches(entry))
            continue;
        if (page.indices.size() == m_limit) {
            // There is at least one more: the cursor points after the last one shown.
            page.nextCursor = cursorAfter(entries.at(page.indices.last()).name);
            break;
        }
        page.indices.append(i);
    }
    return page;
}

} // namespace vw::sandboxd
