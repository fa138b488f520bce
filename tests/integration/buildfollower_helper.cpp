// A stand-in for a Vaporwatch process that starts a build and follows it, for tests that kill
// such a process (SIGKILL) in the middle of a build: unlike vaporwatch-cli it takes the lease
// lifetime from its command line, so the test does not wait 15 s for the lease to expire.
//
//     buildfollower_helper DATABASE_URL SANDBOX DIRECTORY LEASE_TTL_MS STATE_DIR
//
// The Daytona API comes from DAYTONA_API_URL and DAYTONA_API_KEY (never from the command line).
// Prints "build <id>" once the build is stored, then the build's live output as it arrives, and
// exits with 0 when the build has ended (1 on a failure to start).

#include "app/daytona/DaytonaClient.h"
#include "app/engine/BuildHub.h"
#include "app/engine/BuildManager.h"
#include "models/BuildStore.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

using namespace vw;
using namespace vw::engine;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 6) {
        std::fprintf(stderr, "usage: %s DATABASE_URL SANDBOX DIRECTORY LEASE_TTL_MS STATE_DIR\n",
                     argv[0]);
        return 2;
    }
    QTextStream out(stdout);
    BuildStore store;
    daytona::DaytonaConfig config;
    config.apiUrl = QUrl(qEnvironmentVariable("DAYTONA_API_URL"));
    config.apiKey = qEnvironmentVariable("DAYTONA_API_KEY");
    daytona::DaytonaClient client(config);
    BuildHub hub;
    BuildManager::Options options;
    options.run.leaseTtlMs = args[4].toLongLong();
    options.run.stateDirectory = args[5];
    BuildManager manager(&client, &store, &hub, options);

    QObject::connect(&hub, &BuildHub::logAppended,
                     [&out](qint64, Phase, LogStream, const QString &text, qint64, qint64) {
                         out << text;
                         out.flush();
                     });
    QObject::connect(&hub, &BuildHub::buildFinished, &app, [] { QCoreApplication::exit(0); });
    store.open(args[1])->onResult(&app, [&](const Status &opened) {
        if (!opened) {
            std::fprintf(stderr, "%s\n", qPrintable(opened.error().toString()));
            QCoreApplication::exit(1);
            return;
        }
        manager.startBuild(args[2], args[3])->onResult(&app, [&out](const Result<Build> &build) {
            if (!build) {
                std::fprintf(stderr, "%s\n", qPrintable(build.error().toString()));
                QCoreApplication::exit(1);
                return;
            }
            out << "build " << build.value().id << '\n';
            out.flush();
        });
    });
    return app.exec();
}
