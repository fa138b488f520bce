#include "app/engine/StackDetector.h"

#include <QTest>

using vw::engine::DetectedStack;
using vw::engine::StackDetector;

namespace {

using Contents = QMap<QString, QString>;

StackDetector::Snapshot snapshot(const QStringList &files, const Contents &contents = {},
                                 const QStringList &directories = {})
{
    StackDetector::Snapshot s;
    for (const QString &file : files)
        s.files.insert(file);
    for (const QString &directory : directories)
        s.directories.insert(directory);
    for (auto it = contents.cbegin(); it != contents.cend(); ++it) {
        s.files.insert(it.key());
        s.contents.insert(it.key(), it.value().toUtf8());
    }
    return s;
}

const QString kBuildScript = QStringLiteral(R"({"name":"app","scripts":{"build":"vite build"}})");
const QString kNoBuild = QStringLiteral(R"({"name":"app","scripts":{"start":"node ."}})");

} // namespace

Q_DECLARE_METATYPE(StackDetector::Snapshot)
Q_DECLARE_METATYPE(StackDetector::Overrides)

class tst_StackDetector : public QObject
{
    Q_OBJECT

private slots:
    void decides_data();
    void decides();
    void skipReasons_data();
    void skipReasons();
    void overrides();
    void phasesForTheDriver();
    void stepDescriptions();
    void filesWorthReadingAreTheOnesDecideReads();
};

void tst_StackDetector::decides_data()
{
    QTest::addColumn<StackDetector::Snapshot>("project");
    // stack | manager | install | build | lockfile | dependency dir | output dir
    QTest::addColumn<QStringList>("expected");

    const auto row = [](const char *name, const StackDetector::Snapshot &project,
                        const QStringList &expected) {
        QTest::newRow(name) << project << expected;
    };

    row("npm with package-lock",
        snapshot({QStringLiteral("package-lock.json")},
                 {{QStringLiteral("package.json"), kBuildScript}}),
        {"node", "npm", "npm ci", "npm run build", "package-lock.json", "node_modules", "dist"});
    row("npm with shrinkwrap",
        snapshot({QStringLiteral("npm-shrinkwrap.json")},
                 {{QStringLiteral("package.json"), kBuildScript}}),
        {"node", "npm", "npm ci", "npm run build", "npm-shrinkwrap.json", "node_modules", "dist"});
    row("npm without lockfile", snapshot({}, {{QStringLiteral("package.json"), kBuildScript}}),
        {"node", "npm", "npm install", "npm run build", "", "node_modules", "dist"});
    row("npm without build script",
        snapshot({QStringLiteral("package-lock.json")},
                 {{QStringLiteral("package.json"), kNoBuild}}),
        {"node", "npm", "npm ci", "", "package-lock.json", "node_modules", ""});
    row("yarn classic",
        snapshot({QStringLiteral("yarn.lock")}, {{QStringLiteral("package.json"), kBuildScript}}),
        {"node", "yarn", "yarn install --frozen-lockfile", "yarn run build", "yarn.lock",
         "node_modules", "dist"});
    row("yarn berry, node-modules linker",
        snapshot({QStringLiteral("yarn.lock")},
                 {{QStringLiteral("package.json"), kBuildScript},
                  {QStringLiteral(".yarnrc.yml"), QStringLiteral("nodeLinker: node-modules\n")}}),
        {"node", "yarn", "yarn install --immutable", "yarn run build", "yarn.lock", "node_modules",
         "dist"});
    row("yarn berry, plug'n'play: no dependency directory",
        snapshot({QStringLiteral("yarn.lock")},
                 {{QStringLiteral("package.json"), kBuildScript},
                  {QStringLiteral(".yarnrc.yml"), QStringLiteral("enableTelemetry: false\n")}}),
        {"node", "yarn", "yarn install --immutable", "yarn run build", "yarn.lock", "", "dist"});
    row("pnpm",
        snapshot({QStringLiteral("pnpm-lock.yaml")},
                 {{QStringLiteral("package.json"), kBuildScript}}),
        {"node", "pnpm", "pnpm install --frozen-lockfile", "pnpm run build", "pnpm-lock.yaml",
         "node_modules", "dist"});
    row("bun text lockfile",
        snapshot({QStringLiteral("bun.lock")}, {{QStringLiteral("package.json"), kBuildScript}}),
        {"node", "bun", "bun install --frozen-lockfile", "bun run build", "bun.lock",
         "node_modules", "dist"});
    row("bun binary lockfile",
        snapshot({QStringLiteral("bun.lockb")}, {{QStringLiteral("package.json"), kNoBuild}}),
        {"node", "bun", "bun install --frozen-lockfile", "", "bun.lockb", "node_modules", ""});
    row("pnpm lockfile wins over a stray package-lock",
        snapshot({QStringLiteral("pnpm-lock.yaml"), QStringLiteral("package-lock.json")},
                 {{QStringLiteral("package.json"), kBuildScript}}),
        {"node", "pnpm", "pnpm install --frozen-lockfile", "pnpm run build", "pnpm-lock.yaml",
         "node_modules", "dist"});
    row("packageManager field decides",
        snapshot(
            {QStringLiteral("package-lock.json")},
            {{QStringLiteral("package.json"),
              QStringLiteral(R"({"packageManager":"yarn@4.1.0","scripts":{"build":"tsc"}})")}}),
        {"node", "yarn", "yarn install", "yarn run build", "", "", "dist"}); // Yarn 4: PnP
    row("next.js output",
        snapshot({QStringLiteral("package-lock.json")},
                 {{QStringLiteral("package.json"),
                   QStringLiteral(
                       R"({"scripts":{"build":"next build"},"dependencies":{"next":"14"}})")}}),
        {"node", "npm", "npm ci", "npm run build", "package-lock.json", "node_modules", ".next"});
    row("create-react-app output",
        snapshot(
            {},
            {{QStringLiteral("package.json"),
              QStringLiteral(
                  R"({"scripts":{"build":"react-scripts build"},"devDependencies":{"react-scripts":"5"}})")}}),
        {"node", "npm", "npm install", "npm run build", "", "node_modules", "build"});
    row("invalid package.json is still node",
        snapshot({}, {{QStringLiteral("package.json"), QStringLiteral("{not json")}}),
        {"node", "npm", "npm install", "", "", "node_modules", ""});
    row("node wins over a Makefile",
        snapshot({QStringLiteral("Makefile")}, {{QStringLiteral("package.json"), kBuildScript}}),
        {"node", "npm", "npm install", "npm run build", "", "node_modules", "dist"});

    row("requirements.txt",
        snapshot({QStringLiteral("requirements.txt"), QStringLiteral("app.py")}),
        {"python", "pip", "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt", "",
         "requirements.txt", ".venv", ""});
    row("pyproject with setuptools",
        snapshot(
            {},
            {{QStringLiteral("pyproject.toml"),
              QStringLiteral(
                  "[build-system]\nrequires = [\"setuptools\"]\n\n[project]\nname = \"app\"\n")}}),
        {"python", "pip", "python3 -m venv .venv && .venv/bin/pip install .",
         ".venv/bin/pip wheel --no-deps --wheel-dir dist .", "", ".venv", "dist"});
    row("requirements and a buildable pyproject",
        snapshot(
            {QStringLiteral("requirements.txt")},
            {{QStringLiteral("pyproject.toml"), QStringLiteral("[project]\nname = \"app\"\n")}}),
        {"python", "pip", "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
         ".venv/bin/pip wheel --no-deps --wheel-dir dist .", "requirements.txt", ".venv", "dist"});
    row("pyproject only for tool settings",
        snapshot({}, {{QStringLiteral("pyproject.toml"),
                       QStringLiteral("[tool.ruff]\nline-length = 100\n")}}),
        {"python", "pip", "", "", "", ".venv", ""});
    row("poetry",
        snapshot({QStringLiteral("poetry.lock")},
                 {{QStringLiteral("pyproject.toml"),
                   QStringLiteral("[tool.poetry]\nname = \"app\"\n\n[build-system]\nrequires = "
                                  "[\"poetry-core\"]\n")}}),
        {"python", "poetry", "POETRY_VIRTUALENVS_IN_PROJECT=true poetry install --no-interaction",
         "poetry build", "poetry.lock", ".venv", "dist"});
    row("uv",
        snapshot({QStringLiteral("uv.lock")}, {{QStringLiteral("pyproject.toml"),
                                                QStringLiteral("[project]\nname = \"app\"\n")}}),
        {"python", "uv", "uv sync --frozen", "uv build", "uv.lock", ".venv", "dist"});
    row("pipenv", snapshot({QStringLiteral("Pipfile"), QStringLiteral("Pipfile.lock")}),
        {"python", "pipenv", "PIPENV_VENV_IN_PROJECT=1 pipenv install --deploy", "", "Pipfile.lock",
         ".venv", ""});
    row("setup.py only", snapshot({QStringLiteral("setup.py")}),
        {"python", "pip", "python3 -m venv .venv && .venv/bin/pip install .",
         ".venv/bin/pip wheel --no-deps --wheel-dir dist .", "", ".venv", "dist"});

    row("rust", snapshot({QStringLiteral("Cargo.toml"), QStringLiteral("Cargo.lock")}),
        {"rust", "cargo", "cargo fetch", "cargo build --release", "", "", "target/release"});
    row("go", snapshot({QStringLiteral("go.mod"), QStringLiteral("go.sum")}),
        {"go", "go", "go mod download", "go build -o bin/ ./...", "", "", "bin"});
    row("maven", snapshot({QStringLiteral("pom.xml")}),
        {"maven", "maven", "mvn -B dependency:go-offline", "mvn -B package -DskipTests", "", "",
         "target"});
    row("maven wrapper", snapshot({QStringLiteral("pom.xml"), QStringLiteral("mvnw")}),
        {"maven", "maven", "./mvnw -B dependency:go-offline", "./mvnw -B package -DskipTests", "",
         "", "target"});
    row("gradle wrapper", snapshot({QStringLiteral("build.gradle.kts"), QStringLiteral("gradlew")}),
        {"gradle", "gradle", "", "./gradlew --no-daemon assemble", "", "", "build"});
    row("gradle without wrapper", snapshot({QStringLiteral("settings.gradle")}),
        {"gradle", "gradle", "", "gradle --no-daemon assemble", "", "", "build"});
    row("ruby gem",
        snapshot({QStringLiteral("Gemfile"), QStringLiteral("Gemfile.lock")},
                 {{QStringLiteral("Rakefile"), QStringLiteral("require \"bundler/gem_tasks\"\n")}}),
        {"ruby", "bundler", "bundle config set --local path vendor/bundle && bundle install",
         "bundle exec rake build", "Gemfile.lock", "vendor/bundle", "pkg"});
    row("ruby app without build task",
        snapshot({QStringLiteral("Gemfile")},
                 {{QStringLiteral("Rakefile"), QStringLiteral("task :test do\nend\n")}}),
        {"ruby", "bundler", "bundle config set --local path vendor/bundle && bundle install", "",
         "", "vendor/bundle", ""});
    row("ruby with an explicit build task",
        snapshot({QStringLiteral("Gemfile")},
                 {{QStringLiteral("Rakefile"), QStringLiteral("task(:build) { sh 'x' }\n")}}),
        {"ruby", "bundler", "bundle config set --local path vendor/bundle && bundle install",
         "bundle exec rake build", "", "vendor/bundle", "pkg"});
    row("php",
        snapshot({QStringLiteral("composer.lock")},
                 {{QStringLiteral("composer.json"), QStringLiteral("{\"require\":{}}")}}),
        {"php", "composer", "composer install --no-interaction --prefer-dist", "", "composer.lock",
         "vendor", ""});
    row("php with build script",
        snapshot({}, {{QStringLiteral("composer.json"),
                       QStringLiteral(R"({"scripts":{"build":"php build.php"}})")}}),
        {"php", "composer", "composer install --no-interaction --prefer-dist",
         "composer run-script build", "", "vendor", ""});
    row("makefile", snapshot({QStringLiteral("Makefile"), QStringLiteral("main.c")}),
        {"make", "make", "", "make", "", "", ""});
    row("GNUmakefile", snapshot({QStringLiteral("GNUmakefile")}),
        {"make", "make", "", "make", "", "", ""});
    row("unknown", snapshot({QStringLiteral("README.md")}, {}, {QStringLiteral("package.json")}),
        {"unknown", "", "", "", "", "", ""});
    row("empty directory", snapshot({}), {"unknown", "", "", "", "", "", ""});
}

void tst_StackDetector::decides()
{
    QFETCH(StackDetector::Snapshot, project);
    QFETCH(QStringList, expected);
    const DetectedStack stack = StackDetector::decide(project);
    const QStringList actual{stack.stack,          stack.packageManager, stack.installCommand,
                             stack.buildCommand,   stack.lockfile,       stack.dependencyDirectory,
                             stack.outputDirectory};
    QCOMPARE(actual, expected);
    // An empty command always comes with a reason, a command never with one.
    QCOMPARE(stack.installSkipReason.isEmpty(), !stack.installCommand.isEmpty());
    QCOMPARE(stack.buildSkipReason.isEmpty(), !stack.buildCommand.isEmpty());
    QCOMPARE(stack.isKnown(), stack.stack != QStringLiteral("unknown"));
    if (stack.isKnown())
        QVERIFY(!stack.evidence.isEmpty());
}

void tst_StackDetector::skipReasons_data()
{
    QTest::addColumn<StackDetector::Snapshot>("project");
    QTest::addColumn<QString>("installReason");
    QTest::addColumn<QString>("buildReason");
    QTest::newRow("node without build script")
        << snapshot({}, {{QStringLiteral("package.json"), kNoBuild}}) << QString()
        << QStringLiteral("no-build-script");
    QTest::newRow("makefile") << snapshot({QStringLiteral("Makefile")})
                              << QStringLiteral("no-install-step") << QString();
    QTest::newRow("gradle") << snapshot({QStringLiteral("build.gradle")})
                            << QStringLiteral("resolved-during-build") << QString();
    QTest::newRow("requirements only") << snapshot({QStringLiteral("requirements.txt")})
                                       << QString() << QStringLiteral("no-build-step");
    QTest::newRow("python settings only")
        << snapshot({}, {{QStringLiteral("pyproject.toml"), QStringLiteral("[tool.black]\n")}})
        << QStringLiteral("no-dependency-file") << QStringLiteral("no-build-step");
    QTest::newRow("ruby without build")
        << snapshot({QStringLiteral("Gemfile")}) << QString() << QStringLiteral("no-build-task");
    QTest::newRow("unknown") << snapshot({}) << QStringLiteral("unknown-stack")
                             << QStringLiteral("unknown-stack");
}

void tst_StackDetector::skipReasons()
{
    QFETCH(StackDetector::Snapshot, project);
    QFETCH(QString, installReason);
    QFETCH(QString, buildReason);
    const DetectedStack stack = StackDetector::decide(project);
    QCOMPARE(stack.installSkipReason, installReason);
    QCOMPARE(stack.buildSkipReason, buildReason);
}

void tst_StackDetector::overrides()
{
    const auto node = snapshot({QStringLiteral("package-lock.json")},
                               {{QStringLiteral("package.json"), kNoBuild}});
    StackDetector::Overrides overrides;
    overrides.buildCommand = QStringLiteral("  ./scripts/build.sh --prod ");
    DetectedStack stack = StackDetector::decide(node, overrides);
    QCOMPARE(stack.installCommand, QStringLiteral("npm ci"));
    QCOMPARE(stack.buildCommand, QStringLiteral("./scripts/build.sh --prod"));
    QVERIFY(stack.buildSkipReason.isEmpty());
    QVERIFY(stack.buildOverridden);
    QVERIFY(!stack.installOverridden);

    overrides = {};
    overrides.installCommand = QString(); // set, but empty: skip install
    overrides.outputDirectory = QStringLiteral("public");
    stack = StackDetector::decide(node, overrides);
    QVERIFY(stack.installCommand.isEmpty());
    QCOMPARE(stack.installSkipReason, QStringLiteral("disabled-by-project"));
    QCOMPARE(stack.outputDirectory, QStringLiteral("public"));
    QCOMPARE(stack.lockfile, QStringLiteral("package-lock.json"));

    // Nothing recognised, but the project says what to do.
    overrides = {};
    overrides.buildCommand = QStringLiteral("./build.sh");
    stack = StackDetector::decide(snapshot({QStringLiteral("build.sh")}), overrides);
    QCOMPARE(stack.stack, QStringLiteral("custom"));
    QCOMPARE(stack.buildCommand, QStringLiteral("./build.sh"));
    QCOMPARE(stack.installSkipReason, QStringLiteral("no-install-step"));
}

void tst_StackDetector::phasesForTheDriver()
{
    DetectedStack stack = StackDetector::decide(snapshot(
        {QStringLiteral("package-lock.json")}, {{QStringLiteral("package.json"), kNoBuild}}));
    auto phases = stack.phases();
    QCOMPARE(phases.size(), 2);
    QCOMPARE(phases.at(0).name, QStringLiteral("install"));
    QCOMPARE(phases.at(0).command, QStringLiteral("npm ci"));
    QVERIFY(phases.at(0).usesDependencyCache);
    QCOMPARE(phases.at(1).name, QStringLiteral("build"));
    QVERIFY(phases.at(1).command.isEmpty());
    QCOMPARE(phases.at(1).skipReason, QStringLiteral("no-build-script"));

    // No lockfile or no dependency directory: no cache.
    stack = StackDetector::decide(snapshot({QStringLiteral("Cargo.toml")}));
    QVERIFY(!stack.phases().at(0).usesDependencyCache);
    stack = StackDetector::decide(snapshot({}, {{QStringLiteral("package.json"), kNoBuild}}));
    QVERIFY(!stack.phases().at(0).usesDependencyCache);
}

void tst_StackDetector::stepDescriptions()
{
    DetectedStack stack = StackDetector::decide(snapshot(
        {QStringLiteral("pnpm-lock.yaml")}, {{QStringLiteral("package.json"), kBuildScript}}));
    QCOMPARE(stack.installStep, QStringLiteral("Installing dependencies with pnpm"));
    QCOMPARE(stack.buildStep, QStringLiteral("Building with pnpm"));
    StackDetector::Overrides overrides;
    overrides.installCommand = QStringLiteral("make deps");
    stack = StackDetector::decide(snapshot({QStringLiteral("Makefile")}), overrides);
    QCOMPARE(stack.installStep,
             QStringLiteral("Installing dependencies with the project's command"));
    QCOMPARE(stack.buildStep, QStringLiteral("Building with make"));
    QVERIFY(StackDetector::decide(snapshot({})).buildStep.isEmpty());
}

void tst_StackDetector::filesWorthReadingAreTheOnesDecideReads()
{
    const QStringList files = StackDetector::filesWorthReading();
    for (const char *name :
         {"package.json", ".yarnrc.yml", "pyproject.toml", "Rakefile", "composer.json"})
        QVERIFY2(files.contains(QString::fromLatin1(name)), name);
    // Lockfiles are never read, however large.
    QVERIFY(!files.contains(QStringLiteral("package-lock.json")));
}

QTEST_GUILESS_MAIN(tst_StackDetector)
#include "tst_stackdetector.moc"
