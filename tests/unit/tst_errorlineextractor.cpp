#include "app/engine/ErrorLineExtractor.h"

#include <QTest>

using vw::engine::ErrorLineExtractor;

class tst_ErrorLineExtractor : public QObject
{
    Q_OBJECT

private slots:
    void extracts_data();
    void extracts();
    void stripsAnsi_data();
    void stripsAnsi();
    void longLinesAreShortened();
    void matchReportsWhere();
};

void tst_ErrorLineExtractor::extracts_data()
{
    QTest::addColumn<QString>("log");
    QTest::addColumn<QString>("expected");

    QTest::newRow("npm 404")
        << QStringLiteral(
               "npm ERR! code E404\n"
               "npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found\n"
               "npm ERR! 404\n"
               "npm ERR! 404  'left-padd@^1.0.0' is not in this registry.\n"
               "\n"
               "npm ERR! A complete log of this run can be found in:\n"
               "npm ERR!     /root/.npm/_logs/2024-01-01T00_00_00_000Z-debug-0.log\n")
        << QStringLiteral(
               "npm ERR! 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found");
    QTest::newRow("npm ci without lockfile (npm 10 'npm error')")
        << QStringLiteral("npm error code EUSAGE\n"
                          "npm error\n"
                          "npm error The `npm ci` command can only install with an existing "
                          "package-lock.json or\n"
                          "npm error npm-shrinkwrap.json with lockfileVersion >= 1.\n"
                          "npm error A complete log of this run can be found in: "
                          "/root/.npm/_logs/x-debug-0.log\n")
        << QStringLiteral("npm error The `npm ci` command can only install with an existing "
                          "package-lock.json or");
    QTest::newRow("npm missing package.json")
        << QStringLiteral(
               "npm ERR! code ENOENT\nnpm ERR! syscall open\nnpm ERR! path /work/app/package.json\n"
               "npm ERR! errno -2\n"
               "npm ERR! enoent ENOENT: no such file or directory, open '/work/app/package.json'\n"
               "npm ERR! enoent This is related to npm not being able to find a file.\n")
        << QStringLiteral(
               "npm ERR! enoent ENOENT: no such file or directory, open '/work/app/package.json'");
    QTest::newRow("build script error beats npm's lifecycle lines")
        << QStringLiteral("> app@1.0.0 build\n> node build.js\n\n"
                          "/app/build.js:3\n  throw new Error('config missing');\n  ^\n\n"
                          "Error: config missing\n    at Object.<anonymous> (/app/build.js:3:9)\n"
                          "npm ERR! Lifecycle script `build` failed with error:\n"
                          "npm ERR! Error: command failed\n"
                          "npm ERR!   in workspace: app\n"
                          "npm ERR! code 1\nnpm ERR! path /app\nnpm ERR! command failed\nnpm ERR! "
                          "command sh -c node build.js\n")
        << QStringLiteral("Error: config missing");
    QTest::newRow("only npm bookkeeping")
        << QStringLiteral("npm ERR! code ELIFECYCLE\nnpm ERR! errno 2\n")
        << QStringLiteral("npm ERR! code ELIFECYCLE");
    QTest::newRow("yarn classic") << QStringLiteral(
                                         "yarn install v1.22.19\n[1/4] Resolving packages...\n"
                                         "error Couldn't find package \"nope@^1.0.0\" required by "
                                         "\"app@1.0.0\" on the \"npm\" registry.\n"
                                         "info Visit https://yarnpkg.com/en/docs/cli/install for "
                                         "documentation about this command.\n")
                                  << QStringLiteral(
                                         "error Couldn't find package \"nope@^1.0.0\" required by "
                                         "\"app@1.0.0\" on the \"npm\" registry.");
    QTest::newRow("yarn summary loses to the real error")
        << QStringLiteral("$ tsc\nsrc/index.ts(3,7): error TS2322: Type 'string' is not assignable "
                          "to type 'number'.\n"
                          "error Command failed with exit code 2.\n")
        << QStringLiteral("src/index.ts(3,7): error TS2322: Type 'string' is not assignable to "
                          "type 'number'.");
    QTest::newRow("yarn berry")
        << QStringLiteral(
               "➤ YN0000: ┌ Resolution step\n"
               "➤ YN0028: │ The lockfile would have been modified by this install, which is "
               "explicitly forbidden.\n"
               "➤ YN0000: └ Completed in 0s 212ms\n➤ YN0000: Failed with errors in 0s 219ms\n")
        << QStringLiteral("➤ YN0028: │ The lockfile would have been modified by this install, "
                          "which is explicitly forbidden.");
    QTest::newRow("pnpm")
        << QStringLiteral("Lockfile is up to date, resolution step is skipped\n"
                          " ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with \"frozen-lockfile\" "
                          "because pnpm-lock.yaml is not up to date with package.json\n"
                          "\nNote that in CI environments this setting is true by default.\n")
        << QStringLiteral("ERR_PNPM_OUTDATED_LOCKFILE  Cannot install with \"frozen-lockfile\" "
                          "because pnpm-lock.yaml is not up to date with package.json");
    QTest::newRow("bun")
        << QStringLiteral(
               "bun install v1.1.0\nerror: lockfile had changes, but lockfile is frozen\n")
        << QStringLiteral("error: lockfile had changes, but lockfile is frozen");
    QTest::newRow("rustc")
        << QStringLiteral(
               "   Compiling app v0.1.0 (/work/app)\n"
               "warning: unused variable: `y`\n"
               "error[E0425]: cannot find value `x` in this scope\n --> src/main.rs:2:20\n  |\n"
               "2 |     println!(\"{}\", x);\n  |                    ^ not found in this scope\n\n"
               "For more information about this error, try `rustc --explain E0425`.\n"
               "error: could not compile `app` (bin \"app\") due to 1 previous error\n")
        << QStringLiteral("error[E0425]: cannot find value `x` in this scope");
    QTest::newRow("cargo resolution")
        << QStringLiteral("    Updating crates.io index\nerror: failed to select a version for the "
                          "requirement `serde = \"^99\"`\n")
        << QStringLiteral(
               "error: failed to select a version for the requirement `serde = \"^99\"`");
    QTest::newRow("gcc")
        << QStringLiteral(
               "cc -Wall -Werror -c -o main.o main.c\n"
               "main.c: In function 'main':\n"
               "main.c:4:5: error: implicit declaration of function 'foo' "
               "[-Werror=implicit-function-declaration]\n"
               "    4 |     foo();\n      |     ^~~\ncc1: all warnings being treated as errors\n"
               "make: *** [<builtin>: main.o] Error 1\n")
        << QStringLiteral("main.c:4:5: error: implicit declaration of function 'foo' "
                          "[-Werror=implicit-function-declaration]");
    QTest::newRow("clang fatal error")
        << QStringLiteral("In file included from src/a.cpp:1:\nsrc/a.h:2:10: fatal error: "
                          "'missing.h' file not found\n"
                          "#include \"missing.h\"\n         ^~~~~~~~~~~\n1 error generated.\n")
        << QStringLiteral("src/a.h:2:10: fatal error: 'missing.h' file not found");
    QTest::newRow("linker")
        << QStringLiteral(
               "/usr/bin/ld: main.o: in function `main':\nmain.c:(.text+0x9): undefined reference "
               "to `foo'\n"
               "collect2: error: ld returned 1 exit status\nmake: *** [Makefile:2: app] Error 1\n")
        << QStringLiteral("main.c:(.text+0x9): undefined reference to `foo'");
    QTest::newRow("go") << QStringLiteral("# example.com/app\n./main.go:6:2: undefined: "
                                          "fmt.Printn\n./main.go:7:2: declared and not used: x\n")
                        << QStringLiteral("./main.go:6:2: undefined: fmt.Printn");
    QTest::newRow("python traceback: the final exception")
        << QStringLiteral("Traceback (most recent call last):\n"
                          "  File \"/app/build.py\", line 3, in <module>\n    import flask\n"
                          "ModuleNotFoundError: No module named 'flask'\n")
        << QStringLiteral("ModuleNotFoundError: No module named 'flask'");
    QTest::newRow("python chained: the last traceback")
        << QStringLiteral("Traceback (most recent call last):\n  File \"a.py\", line 2, in "
                          "<module>\n    int('x')\n"
                          "ValueError: invalid literal for int() with base 10: 'x'\n\n"
                          "During handling of the above exception, another exception occurred:\n\n"
                          "Traceback (most recent call last):\n  File \"a.py\", line 4, in "
                          "<module>\n    raise RuntimeError('bad config')\n"
                          "RuntimeError: bad config\n")
        << QStringLiteral("RuntimeError: bad config");
    QTest::newRow("pip") << QStringLiteral(
                                "Collecting nosuchpkg==1.0\n"
                                "ERROR: Could not find a version that satisfies the requirement "
                                "nosuchpkg==1.0 (from versions: none)\n"
                                "ERROR: No matching distribution found for nosuchpkg==1.0\n")
                         << QStringLiteral("ERROR: Could not find a version that satisfies the "
                                           "requirement nosuchpkg==1.0 (from versions: none)");
    QTest::newRow("maven compile")
        << QStringLiteral("[INFO] Compiling 1 source file to /app/target/classes\n"
                          "[ERROR] COMPILATION ERROR : \n[INFO] "
                          "-------------------------------------------------------------\n"
                          "[ERROR] /app/src/main/java/App.java:[3,8] cannot find symbol\n"
                          "  symbol:   class Strin\n[INFO] 1 error\n[INFO] BUILD FAILURE\n"
                          "[ERROR] Failed to execute goal "
                          "org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile "
                          "(default-compile) on project app: Compilation failure\n"
                          "[ERROR] -> [Help 1]\n[ERROR] \n[ERROR] To see the full stack trace of "
                          "the errors, re-run Maven with the -e switch.\n")
        << QStringLiteral("[ERROR] /app/src/main/java/App.java:[3,8] cannot find symbol");
    QTest::newRow("gradle")
        << QStringLiteral("> Task :compileJava FAILED\n\n"
                          "FAILURE: Build failed with an exception.\n\n* What went wrong:\n"
                          "Execution failed for task ':compileJava'.\n> Compilation failed; see "
                          "the compiler error output for details.\n\n"
                          "* Try:\n> Run with --stacktrace option to get the stack trace.\n\nBUILD "
                          "FAILED in 2s\n")
        << QStringLiteral("Execution failed for task ':compileJava'.");
    QTest::newRow("javac via gradle")
        << QStringLiteral(
               "> Task :compileJava\n/app/src/main/java/App.java:3: error: cannot find symbol\n"
               "        Strin s;\n        ^\nFAILURE: Build failed with an exception.\n")
        << QStringLiteral("/app/src/main/java/App.java:3: error: cannot find symbol");
    QTest::newRow("rake") << QStringLiteral("rake aborted!\nLoadError: cannot load such file -- "
                                            "nokogiri\n/app/Rakefile:1:in `<top (required)>'\n")
                          << QStringLiteral("LoadError: cannot load such file -- nokogiri");
    QTest::newRow("bundler")
        << QStringLiteral(
               "Fetching gem metadata from https://rubygems.org/\nCould not find gem 'nosuchgem' "
               "in rubygems repository https://rubygems.org/ or installed locally.\n")
        << QStringLiteral("Could not find gem 'nosuchgem' in rubygems repository "
                          "https://rubygems.org/ or installed locally.");
    QTest::newRow("make only") << QStringLiteral(
                                      "cp a b\nmake: *** No rule to make target 'dist'.  Stop.\n")
                               << QStringLiteral("make: *** No rule to make target 'dist'.  Stop.");
    QTest::newRow("git fatal")
        << QStringLiteral("Cloning into 'x'...\nfatal: repository 'https://example/x' not found\n")
        << QStringLiteral("fatal: repository 'https://example/x' not found");
    QTest::newRow("generic") << QStringLiteral("step 1 ok\nsomething failed badly here\nmore\n")
                             << QStringLiteral("something failed badly here");
    QTest::newRow("coloured npm error")
        << QStringLiteral(
               "\x1b[37;40mnpm\x1b[0m \x1b[0m\x1b[31;40mERR!\x1b[0m \x1b[0m\x1b[35mcode\x1b[0m "
               "E404\n"
               "\x1b[37;40mnpm\x1b[0m \x1b[0m\x1b[31;40mERR!\x1b[0m \x1b[0m\x1b[35m404\x1b[0m Not "
               "Found - GET https://registry.npmjs.org/x\n")
        << QStringLiteral("npm ERR! 404 Not Found - GET https://registry.npmjs.org/x");
    QTest::newRow("driver: no project dir")
        << QStringLiteral("vaporwatch: cannot enter the project directory /x\n")
        << QStringLiteral("vaporwatch: cannot enter the project directory /x");
    QTest::newRow("no errors at all")
        << QStringLiteral("compiled 3 files\n0 errors, 0 warnings\nno failures\nDone.\n")
        << QString();
    QTest::newRow("warnings are not errors")
        << QStringLiteral("npm WARN deprecated x@1: error handling changed\nwarning: unused import "
                          "error_code\n")
        << QString();
    QTest::newRow("empty") << QString() << QString();
}

void tst_ErrorLineExtractor::extracts()
{
    QFETCH(QString, log);
    QFETCH(QString, expected);
    QCOMPARE(ErrorLineExtractor::extract(log), expected);
    // CRLF line ends change nothing.
    QString crlf = log;
    crlf.replace(QStringLiteral("\n"), QStringLiteral("\r\n"));
    QCOMPARE(ErrorLineExtractor::extract(crlf), expected);
}

void tst_ErrorLineExtractor::stripsAnsi_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("SGR") << QStringLiteral("\x1b[1;31merror\x1b[0m: x")
                         << QStringLiteral("error: x");
    QTest::newRow("OSC marker") << QStringLiteral("a\x1b]7771;vw1;n;phase-start;seq=1\ab")
                                << QStringLiteral("ab");
    QTest::newRow("OSC with ST") << QStringLiteral("a\x1b]0;title\x1b\\b") << QStringLiteral("ab");
    QTest::newRow("charset") << QStringLiteral("\x1b(Bplain") << QStringLiteral("plain");
    QTest::newRow("progress overwritten by CR")
        << QStringLiteral("10%\r50%\r100% done\n") << QStringLiteral("100% done\n");
    QTest::newRow("CRLF kept as line")
        << QStringLiteral("line\r\nnext") << QStringLiteral("line\nnext");
    QTest::newRow("bell dropped, backspace takes back")
        << QStringLiteral("a\x07\x08z") << QStringLiteral("z");
    QTest::newRow("unterminated CSI at the end")
        << QStringLiteral("ok\x1b[31") << QStringLiteral("ok");
}

void tst_ErrorLineExtractor::stripsAnsi()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(ErrorLineExtractor::stripAnsi(input), expected);
}

void tst_ErrorLineExtractor::longLinesAreShortened()
{
    const QString line = QStringLiteral("npm ERR! ") + QString(2000, u'x');
    const QString found = ErrorLineExtractor::extract(line);
    QCOMPARE(found.size(), ErrorLineExtractor::kMaxLineLength);
    QVERIFY(found.startsWith(QStringLiteral("npm ERR! xxx")));
    QCOMPARE(found.back(), QChar(0x2026));
}

void tst_ErrorLineExtractor::matchReportsWhere()
{
    const auto match =
        ErrorLineExtractor::bestMatch({QStringLiteral("ok"), QStringLiteral("main.c:1:1: error: x"),
                                       QStringLiteral("make: *** x")});
    QVERIFY(match.isValid());
    QCOMPARE(match.lineIndex, 1);
    QCOMPARE(match.weight, 100);
    QVERIFY(!ErrorLineExtractor::bestMatch({QStringLiteral("fine")}).isValid());
}

QTEST_APPLESS_MAIN(tst_ErrorLineExtractor)
#include "tst_errorlineextractor.moc"
