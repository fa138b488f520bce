#pragma once

#include "models/Error.h"
#include "models/LogSelection.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrlQuery>

#include <optional>

namespace vw::automation {

// What `POST /workspace/build/create` asks for, validated.
struct CreateBuildRequest
{
    // projectId: a stored project's id (digits) or a project directory in the sandbox.
    std::optional<qint64> projectId;
    QString projectDirectory;
    QString workspace; // the sandbox's name or id
    QString trigger;   // metadata.trigger, "api" when not given
    bool clean = false;
    QJsonObject metadata; // the rest of metadata, kept with the build
};

// The HTTP API's request validation: bodies and query parameters become typed values or an
// Error (code BAD_REQUEST) whose message names the field and says what is wrong — the 400 answer.
// Pure functions, so every rule is unit-tested.
class BuildApiRequests
{
public:
    static constexpr int kDefaultListLimit = 20;
    static constexpr int kMaxListLimit = 200;
    static constexpr qint64 kDefaultTailBytes = 16 * 1024;
    static constexpr qint64 kListTailBytes = 4 * 1024;
    static constexpr qint64 kMaxTailBytes = 1024 * 1024;
    static constexpr qint64 kDefaultRangeBytes = 1024 * 1024;
    static constexpr qint64 kMaxRangeBytes = 8 * 1024 * 1024;

    static Result<CreateBuildRequest> createBuild(const QByteArray &body);
    // A path segment that must be a positive id (e.g. the {buildId} of a path): nullopt if not.
    static std::optional<qint64> id(const QString &segment);
    // An optional integer query parameter in [minimum, maximum]; `fallback` when absent.
    static Result<qint64> number(const QUrlQuery &query, const QString &name, qint64 fallback,
                                 qint64 minimum, qint64 maximum);
    // ?phase=setup|install|build|complete and ?stream=stdout|stderr (each optional) of /logs.
    static Result<LogSelection> logSelection(const QUrlQuery &query);
};

} // namespace vw::automation
