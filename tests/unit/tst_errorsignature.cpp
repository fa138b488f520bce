#include "models/ErrorSignature.h"

#include <QTest>

using vw::ErrorSignature;

// ErrorSignature masks what differs between occurrences of one error (paths, numbers, hashes,
// quoted names, URLs) and keeps what names the error, so equal errors share a key and different
// errors do not.
class tst_ErrorSignature : public QObject
{
    Q_OBJECT

private slots:
    void masks_data();
    void masks();
    void groups_data();
    void groups();
    void firstLine_data();
    void firstLine();
};

void tst_ErrorSignature::masks_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("key");

    QTest::newRow("quoted path") << QStringLiteral("Cannot find module '/app/src/a.js'")
                                 << QStringLiteral("Cannot find module '<str>'");
    QTest::newRow("double quotes") << QStringLiteral("Cannot install with \"frozen-lockfile\"")
                                   << QStringLiteral("Cannot install with \"<str>\"");
    QTest::newRow("backticks") << QStringLiteral("Unknown command `buidl`")
                               << QStringLiteral("Unknown command `<str>`");
    QTest::newRow("apostrophe in a word")
        << QStringLiteral("Module not found: Can't resolve './components/Header'")
        << QStringLiteral("Module not found: Can't resolve '<str>'");
    QTest::newRow("unquoted path with position")
        << QStringLiteral("error at /app/src/main.ts:12:5") << QStringLiteral("error at <path>");
    QTest::newRow("path in brackets keeps them")
        << QStringLiteral("at Object.<anonymous> (/app/node_modules/x/index.js:3:9),")
        << QStringLiteral("at Object.<anonymous> (<path>),");
    QTest::newRow("relative path") << QStringLiteral("ENOENT: no such file, open src/config.json")
                                   << QStringLiteral("ENOENT: no such file, open <path>");
    QTest::newRow("windows path") << QStringLiteral("cannot open C:\\build\\out.log")
                                  << QStringLiteral("cannot open <path>");
    QTest::newRow("url") << QStringLiteral("npm ERR! 404 Not Found - GET "
                                           "https://registry.npmjs.org/left-padd")
                         << QStringLiteral("npm ERR! <n> Not Found - GET <url>");
    QTest::newRow("numbers standing alone")
        << QStringLiteral("Killed after 300 seconds (exit code 137)")
        << QStringLiteral("Killed after <n> seconds (exit code <n>)");
    QTest::newRow("decimal and version")
        << QStringLiteral("node 18.19.0 is not supported, needs >= 20.1")
        << QStringLiteral("node <n> is not supported, needs >= <n>");
    QTest::newRow("codes glued to letters stay")
        << QStringLiteral("error TS2304: Cannot find name foo.")
        << QStringLiteral("error TS2304: Cannot find name foo.");
    QTest::newRow("npm code") << QStringLiteral("npm ERR! code E404")
                              << QStringLiteral("npm ERR! code E404");
    QTest::newRow("git hash") << QStringLiteral("fatal: reference is not a tree: 3f9a2c71be0d")
                              << QStringLiteral("fatal: reference is not a tree: <hash>");
    QTest::newRow("0x address") << QStringLiteral("segfault at 0x7ffd1e2b")
                                << QStringLiteral("segfault at <hash>");
    QTest::newRow("uuid") << QStringLiteral("sandbox 1b4e28ba-2fa1-11d2-883f-0016d3cca427 is gone")
                          << QStringLiteral("sandbox <uuid> is gone");
    QTest::newRow("short hex word stays a word") << QStringLiteral("missing dependency: facade")
                                                 << QStringLiteral("missing dependency: facade");
    QTest::newRow("white space collapses")
        << QStringLiteral("  Build   failed\t\there  ") << QStringLiteral("Build failed here");
    QTest::newRow("only the first line") << QStringLiteral("\nnpm ERR! code E404\nnpm ERR! 404")
                                         << QStringLiteral("npm ERR! code E404");
    QTest::newRow("empty") << QString() << QString();
}

void tst_ErrorSignature::masks()
{
    QFETCH(QString, line);
    QFETCH(QString, key);
    QCOMPARE(ErrorSignature::key(line), key);
}

void tst_ErrorSignature::groups_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::addColumn<bool>("sameGroup");

    QTest::newRow("module paths") << QStringLiteral("Cannot find module '/app/src/a.js'")
                                  << QStringLiteral("Cannot find module '/app/lib/b.js'") << true;
    QTest::newRow("line numbers") << QStringLiteral("SyntaxError at src/App.tsx:12:4")
                                  << QStringLiteral("SyntaxError at src/index.tsx:140:22") << true;
    QTest::newRow("timeouts") << QStringLiteral("Timed out after 30000 ms")
                              << QStringLiteral("Timed out after 45000 ms") << true;
    QTest::newRow("commits") << QStringLiteral(
                                    "fatal: bad object 9fceb02d0ae598e95dc970b74767f19372d61af8")
                             << QStringLiteral("fatal: bad object 1a2b3c4d5e6f") << true;
    QTest::newRow("different TypeScript errors")
        << QStringLiteral("error TS2304: Cannot find name 'foo'.")
        << QStringLiteral("error TS2307: Cannot find module 'foo'.") << false;
    QTest::newRow("different npm codes") << QStringLiteral("npm ERR! code E404")
                                         << QStringLiteral("npm ERR! code ERESOLVE") << false;
    QTest::newRow("different wording") << QStringLiteral("Cannot find module '/app/a.js'")
                                       << QStringLiteral("Cannot read file '/app/a.js'") << false;
}

void tst_ErrorSignature::groups()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    QFETCH(bool, sameGroup);
    QCOMPARE(ErrorSignature::key(first) == ErrorSignature::key(second), sameGroup);
}

void tst_ErrorSignature::firstLine_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("line");

    QTest::newRow("one line") << QStringLiteral(" failed ") << QStringLiteral("failed");
    QTest::newRow("leading blank lines")
        << QStringLiteral("\n  \nsecond\nthird") << QStringLiteral("second");
    QTest::newRow("blank") << QStringLiteral(" \n ") << QString();
}

void tst_ErrorSignature::firstLine()
{
    QFETCH(QString, message);
    QFETCH(QString, line);
    QCOMPARE(ErrorSignature::firstLine(message), line);
}

QTEST_GUILESS_MAIN(tst_ErrorSignature)
#include "tst_errorsignature.moc"
