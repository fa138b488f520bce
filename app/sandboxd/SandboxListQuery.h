#pragma once

#include "models/Error.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace vw::sandboxd {

// The query of GET /api/sandbox (daytona-api.md §2.1): `limit` 1–200 (default 100), an opaque
// `cursor` from the previous page's nextCursor, a `labels` JSON object every item must carry,
// `id`/`name` prefix filters and repeatable `states`. Pages are ordered by name; the cursor
// names the last item shown, so it stays valid when sandboxes come and go.
class SandboxListQuery
{
public:
    static constexpr int kDefaultLimit = 100;
    static constexpr int kMaxLimit = 200;

    struct Entry
    {
        QString id;
        QString name;
        QString state;
        QMap<QString, QString> labels;
    };
    struct Page
    {
        QList<qsizetype> indices; // into the entries given to apply()
        QString nextCursor;       // empty when this is the last page
    };

    static Result<SandboxListQuery> parse(const QUrlQuery &query);

    // entries must be ordered by name.
    Page apply(const QList<Entry> &entries) const;
    bool matches(const Entry &entry) const;

    int limit() const { return m_limit; }
    QMap<QString, QString> labels() const { return m_labels; }

    static QString cursorAfter(const QString &name);

private:
    int m_limit = kDefaultLimit;
    QString m_afterName;
    bool m_hasCursor = false;
    QMap<QString, QString> m_labels;
    QString m_idPrefix;
    QString m_namePrefix;
    QStringList m_states;
};

} // namespace vw::sandboxd
