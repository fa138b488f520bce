#pragma once

#include "app/automation/StoreCommand.h"

// `cancel_build --build ID`: stops a queued or running build and waits until it has ended as
// cancelled; exit 1 when the build has already ended or cannot be stopped.
class CancelBuildCommand : public StoreCommand
{
    Q_OBJECT

public:
    using StoreCommand::StoreCommand;

    bool start(const QStringList &arguments) override;

private:
    void cancel();

    qint64 m_buildId = 0;
    int m_attempts = 0;
};
