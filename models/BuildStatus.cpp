#include "models/BuildStatus.h"

#include <QCoreApplication>

namespace vw {

QString buildStatusName(BuildStatus status)
{
    switch (status) {
    case BuildStatus::Queued:
        return QStringLiteral("queued");
    case BuildStatus::Running:
        return QStringLiteral("running");
    case BuildStatus::Success:
        return QStringLiteral("success");
    case BuildStatus::Failed:
        return QStringLiteral("failed");
    case BuildStatus::Cancelled:
        return QStringLiteral("cancelled");
    case BuildStatus::Interrupted:
        return QStringLiteral("interrupted");
    }
    return QString();
}

QString buildStatusDisplayName(BuildStatus status)
{
    switch (status) {
    case BuildStatus::Queued:
        return QCoreApplication::translate("vw::BuildStatus", "queued");
    case BuildStatus::Running:
        return QCoreApplication::translate("vw::BuildStatus", "running");
    case BuildStatus::Success:
        return QCoreApplication::translate("vw::BuildStatus", "success");
    case BuildStatus::Failed:
        return QCoreApplication::translate("vw::BuildStatus", "failed");
    case BuildStatus::Cancelled:
        return QCoreApplication::translate("vw::BuildStatus", "cancelled");
    case BuildStatus::Interrupted:
        return QCoreApplication::translate("vw::BuildStatus", "interrupted");
    }
    return QString();
}

std::optional<BuildStatus> buildStatusFromName(QStringView name)
{
    for (BuildStatus status : allBuildStatuses()) {
        if (name == buildStatusName(status))
            return status;
    }
    return std::nullopt;
}

const QList<BuildStatus> &allBuildStatuses()
{
    static const QList<BuildStatus> statuses{BuildStatus::Queued,    BuildStatus::Running,
                                             BuildStatus::Success,   BuildStatus::Failed,
                                             BuildStatus::Cancelled, BuildStatus::Interrupted};
    return statuses;
}

bool isFinished(BuildStatus status)
{
    return status != BuildStatus::Queued && status != BuildStatus::Running;
}

} // namespace vw
