#include "app/engine/StackDetector.h"

#include "app/daytona/DaytonaClient.h"
#include "models/Log.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <memory>

namespace vw::engine {
namespace {

struct NodeManager
{
    QString name;
    QStringList lockfiles;
};

QJsonObject jsonObject(const QByteArray &bytes)
{
    const QJsonDocument document = QJsonDocument::fromJson(bytes);
    return document.isObject() ? document.object() : QJsonObject{};
}

bool hasTomlTable(const QByteArray &toml, const QString &table)
{
    const QRegularExpression re(
        QStringLiteral("^\\s*\\[%1\\]\\s*(#.*)?$").arg(QRegularExpression::escape(table)),
        QRegularExpression::MultilineOption);
    return re.match(QString::fromUtf8(toml)).hasMatch();
}

QString firstPresent(const StackDetector::Snapshot &snapshot, const QStringList &names)
{
    for (const QString &name : names) {
        if (snapshot.has(name))
            return name;
    }
    return {};
}

QString joinPath(const QString &directory, const QString &name)
{
    if (directory.endsWith(u'/'))
        return directory + name;
    return directory + u'/' + name;
}

void detectNode(const StackDetector::Snapshot &snapshot, DetectedStack &stack)
{
    static const QList<NodeManager> kManagers{
        {QStringLiteral("pnpm"), {QStringLiteral("pnpm-lock.yaml")}},
        {QStringLiteral("yarn"), {QStringLiteral("yarn.lock")}},
        {QStringLiteral("bun"), {QStringLiteral("bun.lock"), QStringLiteral("bun.lockb")}},
        {QStringLiteral("npm"),
         {QStringLiteral("package-lock.json"), QStringLiteral("npm-shrinkwrap.json")}},
    };
    const QJsonObject package = jsonObject(snapshot.contents.value(QStringLiteral("package.json")));
    stack.stack = QStringLiteral("node");
    stack.evidence = {QStringLiteral("package.json")};

    // Corepack's "packageManager": "pnpm@9.1.0" names the manager; else the lockfile decides.
    const QString declared = package.value(QStringLiteral("packageManager")).toString();
    const QString declaredName = declared.section(u'@', 0, 0).trimmed();
    const QString declaredVersion = declared.section(u'@', 1).trimmed();
    QString manager;
    QString lockfile;
    for (const NodeManager &candidate : kManagers) {
        if (candidate.name == declaredName) {
            manager = candidate.name;
            lockfile = firstPresent(snapshot, candidate.lockfiles);
        }
    }
    if (manager.isEmpty()) {
        for (const NodeManager &candidate : kManagers) {
            lockfile = firstPresent(snapshot, candidate.lockfiles);
            if (!lockfile.isEmpty()) {
                manager = candidate.name;
                break;
            }
        }
    }
    if (manager.isEmpty())
        manager = QStringLiteral("npm");
    if (!lockfile.isEmpty())
        stack.evidence.append(lockfile);
    stack.packageManager = manager;
    stack.lockfile = lockfile;
    stack.dependencyDirectory = QStringLiteral("node_modules");

    const bool locked = !lockfile.isEmpty();
    if (manager == u"npm") {
        stack.installCommand = locked ? QStringLiteral("npm ci") : QStringLiteral("npm install");
    } else if (manager == u"yarn") {
        // Yarn 2+ ("berry"): .yarnrc.yml, or a declared version from 2 on.
        const bool berry =
            snapshot.has(QStringLiteral(".yarnrc.yml")) ||
            (declaredName == u"yarn" && declaredVersion.section(u'.', 0, 0).toInt() >= 2);
        if (berry) {
            stack.evidence.append(QStringLiteral(".yarnrc.yml"));
            stack.installCommand = locked ? QStringLiteral("yarn install --immutable")
                                          : QStringLiteral("yarn install");
            // Plug'n'Play installs keep no node_modules: nothing to check, so no caching.
            static const QRegularExpression nodeModulesLinker(
                QStringLiteral(R"(^\s*nodeLinker\s*:\s*["']?node-modules["']?\s*$)"),
                QRegularExpression::MultilineOption);
            const QString rc =
                QString::fromUtf8(snapshot.contents.value(QStringLiteral(".yarnrc.yml")));
            if (!nodeModulesLinker.match(rc).hasMatch())
                stack.dependencyDirectory.clear();
        } else {
            stack.installCommand = locked ? QStringLiteral("yarn install --frozen-lockfile")
                                          : QStringLiteral("yarn install");
        }
    } else {
        stack.installCommand = locked ? QStringLiteral("%1 install --frozen-lockfile").arg(manager)
                                      : QStringLiteral("%1 install").arg(manager);
    }

    const QJsonValue build =
        package.value(QStringLiteral("scripts")).toObject().value(QStringLiteral("build"));
    if (build.isString() && !build.toString().trimmed().isEmpty()) {
        stack.buildCommand = QStringLiteral("%1 run build").arg(manager);
        QJsonObject dependencies = package.value(QStringLiteral("dependencies")).toObject();
        const QJsonObject dev = package.value(QStringLiteral("devDependencies")).toObject();
        for (auto it = dev.begin(); it != dev.end(); ++it)
            dependencies.insert(it.key(), it.value());
        if (dependencies.contains(QStringLiteral("next")))
            stack.outputDirectory = QStringLiteral(".next");
        else if (dependencies.contains(QStringLiteral("nuxt")))
            stack.outputDirectory = QStringLiteral(".output");
        else if (dependencies.contains(QStringLiteral("react-scripts")) ||
                 dependencies.contains(QStringLiteral("@sveltejs/kit")))
            stack.outputDirectory = QStringLiteral("build");
        else
            stack.outputDirectory = QStringLiteral("dist");
    } else {
        stack.buildSkipReason = QStringLiteral("no-build-script");
    }
}

void detectPython(const StackDetector::Snapshot &snapshot, DetectedStack &stack)
{
    const QByteArray pyproject = snapshot.contents.value(QStringLiteral("pyproject.toml"));
    const bool hasPyproject = snapshot.has(QStringLiteral("pyproject.toml"));
    const bool buildable = snapshot.has(QStringLiteral("setup.py")) ||
                           hasTomlTable(pyproject, QStringLiteral("build-system")) ||
                           hasTomlTable(pyproject, QStringLiteral("project"));
    stack.stack = QStringLiteral("python");
    stack.dependencyDirectory = QStringLiteral(".venv");
    if (hasPyproject)
        stack.evidence.append(QStringLiteral("pyproject.toml"));

    if (snapshot.has(QStringLiteral("uv.lock")) ||
        hasTomlTable(pyproject, QStringLiteral("tool.uv"))) {
        stack.packageManager = QStringLiteral("uv");
        const bool locked = snapshot.has(QStringLiteral("uv.lock"));
        if (locked) {
            stack.evidence.append(QStringLiteral("uv.lock"));
            stack.lockfile = QStringLiteral("uv.lock");
        }
        stack.installCommand =
            locked ? QStringLiteral("uv sync --frozen") : QStringLiteral("uv sync");
        if (buildable) {
            stack.buildCommand = QStringLiteral("uv build");
            stack.outputDirectory = QStringLiteral("dist");
        }
    } else if (snapshot.has(QStringLiteral("poetry.lock")) ||
               hasTomlTable(pyproject, QStringLiteral("tool.poetry"))) {
        stack.packageManager = QStringLiteral("poetry");
        if (snapshot.has(QStringLiteral("poetry.lock"))) {
            stack.evidence.append(QStringLiteral("poetry.lock"));
            stack.lockfile = QStringLiteral("poetry.lock");
        }
        stack.installCommand =
            QStringLiteral("POETRY_VIRTUALENVS_IN_PROJECT=true poetry install --no-interaction");
        if (buildable) {
            stack.buildCommand = QStringLiteral("poetry build");
            stack.outputDirectory = QStringLiteral("dist");
        }
    } else if (snapshot.has(QStringLiteral("Pipfile"))) {
        stack.packageManager = QStringLiteral("pipenv");
        stack.evidence.append(QStringLiteral("Pipfile"));
        const bool locked = snapshot.has(QStringLiteral("Pipfile.lock"));
        if (locked) {
            stack.evidence.append(QStringLiteral("Pipfile.lock"));
            stack.lockfile = QStringLiteral("Pipfile.lock");
        }
        stack.installCommand =
            locked ? QStringLiteral("PIPENV_VENV_IN_PROJECT=1 pipenv install --deploy")
                   : QStringLiteral("PIPENV_VENV_IN_PROJECT=1 pipenv install");
    } else {
        stack.packageManager = QStringLiteral("pip");
        const QString venv = QStringLiteral("python3 -m venv .venv && ");
        if (snapshot.has(QStringLiteral("requirements.txt"))) {
            stack.evidence.append(QStringLiteral("requirements.txt"));
            stack.lockfile = QStringLiteral("requirements.txt");
            stack.installCommand =
                venv + QStringLiteral(".venv/bin/pip install -r requirements.txt");
        } else if (buildable) {
            // Installs the project itself, whose code changes without any lockfile: no caching.
            stack.installCommand = venv + QStringLiteral(".venv/bin/pip install .");
        } else {
            stack.installSkipReason = QStringLiteral("no-dependency-file");
        }
        if (snapshot.has(QStringLiteral("setup.py")))
            stack.evidence.append(QStringLiteral("setup.py"));
        if (buildable) {
            stack.buildCommand = (stack.installCommand.isEmpty() ? venv : QString()) +
                                 QStringLiteral(".venv/bin/pip wheel --no-deps --wheel-dir dist .");
            stack.outputDirectory = QStringLiteral("dist");
        }
    }
    if (stack.buildCommand.isEmpty())
        stack.buildSkipReason = QStringLiteral("no-build-step");
}

bool rakefileBuilds(const QByteArray &rakefile)
{
    static const QRegularExpression build(
        QStringLiteral(R"((bundler/gem_tasks|^\s*task\s*\(?\s*(:build|["']build["'])\b))"),
        QRegularExpression::MultilineOption);
    return build.match(QString::fromUtf8(rakefile)).hasMatch();
}

} // namespace

StackDetector::StackDetector(daytona::DaytonaClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{
}

StackDetector::~StackDetector()
{
    const auto jobs = m_jobs;
    for (const QPointer<AsyncJob> &job : jobs) {
        if (job)
            job->cancel();
    }
}

QStringList StackDetector::filesWorthReading()
{
    return {QStringLiteral("package.json"), QStringLiteral(".yarnrc.yml"),
            QStringLiteral("pyproject.toml"), QStringLiteral("Rakefile"),
            QStringLiteral("composer.json")};
}

DetectedStack StackDetector::decide(const Snapshot &snapshot, const Overrides &overrides)
{
    DetectedStack stack;
    const auto has = [&](const char16_t *name) { return snapshot.has(QString::fromUtf16(name)); };

    if (has(u"package.json")) {
        detectNode(snapshot, stack);
    } else if (has(u"pyproject.toml") || has(u"requirements.txt") || has(u"setup.py") ||
               has(u"Pipfile")) {
        detectPython(snapshot, stack);
    } else if (has(u"Cargo.toml")) {
        stack.stack = QStringLiteral("rust");
        stack.packageManager = QStringLiteral("cargo");
        stack.evidence = {QStringLiteral("Cargo.toml")};
        stack.installCommand = QStringLiteral("cargo fetch");
        stack.buildCommand = QStringLiteral("cargo build --release");
        stack.outputDirectory = QStringLiteral("target/release");
    } else if (has(u"go.mod")) {
        stack.stack = QStringLiteral("go");
        stack.packageManager = QStringLiteral("go");
        stack.evidence = {QStringLiteral("go.mod")};
        stack.installCommand = QStringLiteral("go mod download");
        stack.buildCommand = QStringLiteral("go build -o bin/ ./...");
        stack.outputDirectory = QStringLiteral("bin");
    } else if (has(u"pom.xml")) {
        const QString mvn = has(u"mvnw") ? QStringLiteral("./mvnw") : QStringLiteral("mvn");
        stack.stack = QStringLiteral("maven");
        stack.packageManager = QStringLiteral("maven");
        stack.evidence = {QStringLiteral("pom.xml")};
        stack.installCommand = mvn + QStringLiteral(" -B dependency:go-offline");
        stack.buildCommand = mvn + QStringLiteral(" -B package -DskipTests");
        stack.outputDirectory = QStringLiteral("target");
    } else if (has(u"build.gradle") || has(u"build.gradle.kts") || has(u"settings.gradle") ||
               has(u"settings.gradle.kts")) {
        const QString gradle =
            has(u"gradlew") ? QStringLiteral("./gradlew") : QStringLiteral("gradle");
        stack.stack = QStringLiteral("gradle");
        stack.packageManager = QStringLiteral("gradle");
        stack.evidence = {firstPresent(
            snapshot, {QStringLiteral("build.gradle.kts"), QStringLiteral("build.gradle"),
                       QStringLiteral("settings.gradle.kts"), QStringLiteral("settings.gradle")})};
        stack.installSkipReason = QStringLiteral("resolved-during-build");
        stack.buildCommand = gradle + QStringLiteral(" --no-daemon assemble");
        stack.outputDirectory = QStringLiteral("build");
    } else if (has(u"Gemfile")) {
        stack.stack = QStringLiteral("ruby");
        stack.packageManager = QStringLiteral("bundler");
        stack.evidence = {QStringLiteral("Gemfile")};
        stack.installCommand =
            QStringLiteral("bundle config set --local path vendor/bundle && bundle install");
        stack.dependencyDirectory = QStringLiteral("vendor/bundle");
        if (has(u"Gemfile.lock")) {
            stack.lockfile = QStringLiteral("Gemfile.lock");
            stack.evidence.append(stack.lockfile);
        }
        if (has(u"Rakefile") &&
            rakefileBuilds(snapshot.contents.value(QStringLiteral("Rakefile")))) {
            stack.evidence.append(QStringLiteral("Rakefile"));
            stack.buildCommand = QStringLiteral("bundle exec rake build");
            stack.outputDirectory = QStringLiteral("pkg");
        } else {
            stack.buildSkipReason = QStringLiteral("no-build-task");
        }
    } else if (has(u"composer.json")) {
        stack.stack = QStringLiteral("php");
        stack.packageManager = QStringLiteral("composer");
        stack.evidence = {QStringLiteral("composer.json")};
        stack.installCommand = QStringLiteral("composer install --no-interaction --prefer-dist");
        stack.dependencyDirectory = QStringLiteral("vendor");
        if (has(u"composer.lock")) {
            stack.lockfile = QStringLiteral("composer.lock");
            stack.evidence.append(stack.lockfile);
        }
        const QJsonObject composer =
            jsonObject(snapshot.contents.value(QStringLiteral("composer.json")));
        if (composer.value(QStringLiteral("scripts")).toObject().contains(QStringLiteral("build")))
            stack.buildCommand = QStringLiteral("composer run-script build");
        else
            stack.buildSkipReason = QStringLiteral("no-build-script");
    } else if (has(u"Makefile") || has(u"makefile") || has(u"GNUmakefile")) {
        stack.stack = QStringLiteral("make");
        stack.packageManager = QStringLiteral("make");
        stack.evidence = {
            firstPresent(snapshot, {QStringLiteral("GNUmakefile"), QStringLiteral("makefile"),
                                    QStringLiteral("Makefile")})};
        stack.installSkipReason = QStringLiteral("no-install-step");
        stack.buildCommand = QStringLiteral("make");
    } else {
        stack.stack = QStringLiteral("unknown");
        stack.installSkipReason = QStringLiteral("unknown-stack");
        stack.buildSkipReason = QStringLiteral("unknown-stack");
    }
    if (stack.installCommand.isEmpty() && stack.installSkipReason.isEmpty())
        stack.installSkipReason = QStringLiteral("no-install-step");
    if (stack.buildCommand.isEmpty() && stack.buildSkipReason.isEmpty())
        stack.buildSkipReason = QStringLiteral("no-build-step");

    // Project overrides.
    if (overrides.installCommand) {
        stack.installOverridden = true;
        stack.installCommand = overrides.installCommand->trimmed();
        stack.installSkipReason =
            stack.installCommand.isEmpty() ? QStringLiteral("disabled-by-project") : QString();
    }
    if (overrides.buildCommand) {
        stack.buildOverridden = true;
        stack.buildCommand = overrides.buildCommand->trimmed();
        stack.buildSkipReason =
            stack.buildCommand.isEmpty() ? QStringLiteral("disabled-by-project") : QString();
    }
    if (overrides.outputDirectory)
        stack.outputDirectory = *overrides.outputDirectory;
    if (stack.stack == u"unknown" &&
        (!stack.installCommand.isEmpty() || !stack.buildCommand.isEmpty())) {
        stack.stack = QStringLiteral("custom");
        if (stack.installSkipReason == u"unknown-stack")
            stack.installSkipReason = QStringLiteral("no-install-step");
        if (stack.buildSkipReason == u"unknown-stack")
            stack.buildSkipReason = QStringLiteral("no-build-step");
    }

    // Descriptions for people.
    const QString tool = stack.packageManager;
    if (!stack.installCommand.isEmpty())
        stack.installStep = stack.installOverridden || tool.isEmpty()
                                ? tr("Installing dependencies with the project's command")
                                : tr("Installing dependencies with %1").arg(tool);
    if (!stack.buildCommand.isEmpty())
        stack.buildStep = stack.buildOverridden || tool.isEmpty()
                              ? tr("Building with the project's command")
                              : tr("Building with %1").arg(tool);
    return stack;
}

AsyncJobOf<DetectedStack> *StackDetector::detect(const QString &sandbox,
                                                 const QString &projectDirectory,
                                                 const Overrides &overrides)
{
    auto *job = new AsyncJobOf<DetectedStack>;
    job->onResult(this, [sandbox, projectDirectory](const Result<DetectedStack> &result) {
        if (result)
            log::get("engine")->debug("{} in {}: stack {} ({}), install \"{}\", build \"{}\"",
                                      sandbox, projectDirectory, result.value().stack,
                                      result.value().packageManager, result.value().installCommand,
                                      result.value().buildCommand);
        else
            log::get("engine")->debug("{} in {}: stack detection failed: {}", sandbox,
                                      projectDirectory, result.error().toString());
    });
    m_jobs.removeIf([](const QPointer<AsyncJob> &tracked) {
        return tracked.isNull() || tracked->isFinished();
    });
    m_jobs.append(job);
    if (!m_client) {
        job->fail(Error{QStringLiteral("NO_CLIENT"), tr("No Daytona client."), 0});
        return job;
    }
    if (projectDirectory.isEmpty()) {
        job->fail(
            Error{QStringLiteral("INVALID_ARGUMENT"), tr("The project directory is empty."), 0});
        return job;
    }

    struct State
    {
        Snapshot snapshot;
        int pending = 0;
        bool failed = false;
    };
    auto state = std::make_shared<State>();
    QPointer<AsyncJobOf<DetectedStack>> guard(job);
    QPointer<daytona::DaytonaClient> client = m_client;

    m_client->listFiles(sandbox, projectDirectory)
        ->onResult(this, [this, state, guard, client, overrides, sandbox,
                          projectDirectory](const Result<QList<daytona::FileInfo>> &listing) {
            if (!guard)
                return;
            if (!listing) {
                const int status = listing.error().httpStatus;
                if (status == 404 || status == 400) {
                    guard->fail(Error{QStringLiteral("PROJECT_NOT_FOUND"),
                                      tr("The project directory %1 does not exist in sandbox %2.")
                                          .arg(projectDirectory, sandbox),
                                      status});
                } else {
                    guard->fail(listing.error());
                }
                return;
            }
            QList<daytona::FileInfo> toRead;
            const QStringList worthReading = filesWorthReading();
            for (const daytona::FileInfo &entry : listing.value()) {
                if (entry.isDir) {
                    state->snapshot.directories.insert(entry.name);
                    continue;
                }
                state->snapshot.files.insert(entry.name);
                if (worthReading.contains(entry.name) && entry.size <= kMaxReadSize)
                    toRead.append(entry);
            }
            if (toRead.isEmpty() || !client) {
                guard->succeed(decide(state->snapshot, overrides));
                return;
            }
            state->pending = int(toRead.size());
            for (const daytona::FileInfo &entry : std::as_const(toRead)) {
                auto buffer = std::make_shared<QBuffer>();
                buffer->open(QIODevice::WriteOnly);
                const QString name = entry.name;
                client->downloadFile(sandbox, joinPath(projectDirectory, name), buffer.get())
                    ->onResult(this, [state, guard, overrides, buffer,
                                      name](const Result<qint64> &downloaded) {
                        if (!guard || state->failed)
                            return;
                        if (downloaded) {
                            state->snapshot.contents.insert(name, buffer->data());
                        } else if (downloaded.error().httpStatus != 404) {
                            // 404: gone since the listing; anything else is a real failure.
                            state->failed = true;
                            guard->fail(downloaded.error());
                            return;
                        }
                        if (--state->pending == 0)
                            guard->succeed(decide(state->snapshot, overrides));
                    });
            }
        });
    return job;
}

} // namespace vw::engine
