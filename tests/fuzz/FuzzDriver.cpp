// Runs a fuzz target without libFuzzer (which needs clang): the seed corpus first, then inputs
// made by mutating it — bit flips, random and interesting bytes, dictionary tokens, erased,
// repeated and spliced ranges — from a fixed seed, so a run is reproducible. It is not coverage
// guided; it finds what the sanitizers (the targets are built with ASan and UBSan) and the
// targets' own checks catch on many varied inputs near the seeds.
//
// Usage, as libFuzzer's:  fuzz_<name> [-runs=N] [-seed=S] [-max_len=L] [-dict=FILE] CORPUS...
// CORPUS: files or directories of seed inputs; a single file that is not a directory is also
// how a saved failure is replayed. -dict takes libFuzzer's dictionary format ("token" per line,
// \xNN escapes). A failing input is written to fuzz-failure-<seed>-<run>.bin in the working
// directory before the process aborts.

#include "FuzzSupport.h"

#include <sanitizer/common_interface_defs.h>

#include <QByteArray>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QList>
#include <QRandomGenerator>
#include <QString>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

namespace {

QByteArray currentInput;
quint64 currentRun = 0;
quint32 seed = 1;

void saveCurrentInput()
{
    const QString name = QStringLiteral("fuzz-failure-%1-%2.bin").arg(seed).arg(currentRun);
    QFile file(name);
    if (file.open(QIODevice::WriteOnly) && file.write(currentInput) == currentInput.size())
        std::fprintf(stderr, "fuzz: the failing input (%lld bytes) is in %s; replay it with %s\n",
                     static_cast<long long>(currentInput.size()),
                     qPrintable(QFileInfo(name).absoluteFilePath()), qPrintable(name));
    else
        std::fprintf(stderr, "fuzz: cannot save the failing input to %s\n", qPrintable(name));
}

void run(const QByteArray &input)
{
    currentInput = input;
    // An exact-size copy on the heap, so ASan sees any read past its end.
    auto copy = std::make_unique<std::uint8_t[]>(std::size_t(std::max<qsizetype>(input.size(), 1)));
    std::memcpy(copy.get(), input.constData(), std::size_t(input.size()));
    LLVMFuzzerTestOneInput(copy.get(), std::size_t(input.size()));
}

// A line of a libFuzzer dictionary: optional name=, then "token" with \\, \" and \xNN escapes.
bool parseDictionaryLine(const QByteArray &line, QByteArray *token)
{
    const qsizetype open = line.indexOf('"');
    const qsizetype close = line.lastIndexOf('"');
    if (line.trimmed().startsWith('#') || open < 0 || close <= open)
        return false;
    token->clear();
    for (qsizetype i = open + 1; i < close; ++i) {
        char c = line[i];
        if (c == '\\' && i + 1 < close) {
            const char next = line[++i];
            if (next == 'x' && i + 2 < close) {
                bool ok = false;
                c = char(line.mid(i + 1, 2).toInt(&ok, 16));
                if (!ok)
                    return false;
                i += 2;
            } else {
                c = next;
            }
        }
        token->append(c);
    }
    return !token->isEmpty();
}

class Mutator
{
public:
    Mutator(quint32 seedValue, qsizetype maxLength, QList<QByteArray> corpus,
            QList<QByteArray> dictionary)
        : m_random(seedValue)
        , m_maxLength(maxLength)
        , m_corpus(std::move(corpus))
        , m_dictionary(std::move(dictionary))
    {
    }

    QByteArray next()
    {
        QByteArray input = m_corpus.isEmpty() ? QByteArray() : pick(m_corpus);
        const int mutations = 1 + int(m_random.bounded(4));
        for (int i = 0; i < mutations; ++i)
            mutate(input);
        if (input.size() > m_maxLength)
            input.truncate(m_maxLength);
        return input;
    }

private:
    const QByteArray &pick(const QList<QByteArray> &list)
    {
        return list[qsizetype(m_random.bounded(quint32(list.size())))];
    }
    qsizetype position(const QByteArray &input, bool end)
    {
        return qsizetype(m_random.bounded(quint32(input.size() + (end ? 1 : 0))));
    }

    void mutate(QByteArray &input)
    {
        static const char interesting[] = {'\0',   '\x01', '\x02', '\x07', '\x1b', '\\',   '\n',
                                           '\r',   ';',    '=',    '[',    ']',    '\x7f', '\x80',
                                           '\xbf', '\xc3', '\xe2', '\xf0', '\xff'};
        switch (m_random.bounded(input.isEmpty() ? 3 : 9)) {
        case 0: // random bytes
            input.insert(position(input, true), randomBytes(1 + qsizetype(m_random.bounded(8))));
            break;
        case 1: // a dictionary token, or an interesting byte
            if (!m_dictionary.isEmpty() && m_random.bounded(4) != 0)
                input.insert(position(input, true), pick(m_dictionary));
            else
                input.insert(position(input, true),
                             interesting[m_random.bounded(quint32(sizeof interesting))]);
            break;
        case 2: // a piece of another seed
            if (!m_corpus.isEmpty()) {
                const QByteArray &other = pick(m_corpus);
                if (!other.isEmpty()) {
                    const qsizetype from = position(other, false);
                    input.insert(position(input, true),
                                 other.mid(from, 1 + position(other, false)));
                }
            }
            break;
        case 3: // flip a bit
        {
            const qsizetype at = position(input, false);
            input[at] = char(input[at] ^ (1 << m_random.bounded(8)));
            break;
        }
        case 4: // replace a byte with an interesting one
            input[position(input, false)] =
                interesting[m_random.bounded(quint32(sizeof interesting))];
            break;
        case 5: // erase a range
        {
            const qsizetype at = position(input, false);
            input.remove(at, 1 + qsizetype(m_random.bounded(quint32(input.size() - at))));
            break;
        }
        case 6: // repeat a range, up to 64 times (long lines, long sequences)
        {
            const qsizetype at = position(input, false);
            const QByteArray range =
                input.mid(at, 1 + qsizetype(m_random.bounded(
                                      quint32(std::min<qsizetype>(input.size() - at, 16)))));
            input.insert(at, range.repeated(1 + qsizetype(m_random.bounded(64))));
            break;
        }
        case 7: // change the first byte (it chooses how the targets cut the input)
            input[0] = char(m_random.bounded(256));
            break;
        default: // swap two halves
        {
            const qsizetype at = position(input, false);
            input = input.mid(at) + input.left(at);
            break;
        }
        }
    }

    QByteArray randomBytes(qsizetype count)
    {
        QByteArray bytes(count, Qt::Uninitialized);
        for (char &c : bytes)
            c = char(m_random.bounded(256));
        return bytes;
    }

    QRandomGenerator m_random;
    qsizetype m_maxLength;
    QList<QByteArray> m_corpus;
    QList<QByteArray> m_dictionary;
};

bool readFile(const QString &path, QByteArray *contents)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    *contents = file.readAll();
    return true;
}

} // namespace

int main(int argc, char **argv)
{
    quint64 runs = 10'000;
    qsizetype maxLength = 4096;
    QList<QByteArray> corpus;
    QList<QByteArray> dictionary;
    for (int i = 1; i < argc; ++i) {
        const QByteArray arg(argv[i]);
        const QByteArray value = arg.mid(arg.indexOf('=') + 1);
        if (arg.startsWith("-runs=")) {
            runs = value.toULongLong();
        } else if (arg.startsWith("-seed=")) {
            seed = value.toUInt();
        } else if (arg.startsWith("-max_len=")) {
            maxLength = value.toLongLong();
        } else if (arg.startsWith("-dict=")) {
            QByteArray text;
            if (!readFile(QString::fromLocal8Bit(value), &text)) {
                std::fprintf(stderr, "fuzz: cannot read the dictionary %s\n", value.constData());
                return 2;
            }
            QByteArray token;
            for (const QByteArray &line : text.split('\n')) {
                if (parseDictionaryLine(line, &token))
                    dictionary.append(token);
            }
        } else if (arg.startsWith('-')) {
            std::fprintf(stderr, "fuzz: ignoring the option %s\n", arg.constData());
        } else {
            const QString path = QString::fromLocal8Bit(arg);
            QStringList files;
            if (QFileInfo(path).isDir()) {
                QDirIterator it(path, QDir::Files, QDirIterator::Subdirectories);
                while (it.hasNext())
                    files.append(it.next());
                files.sort(); // the same order everywhere: reproducible runs
            } else {
                files.append(path);
            }
            for (const QString &file : std::as_const(files)) {
                QByteArray contents;
                if (!readFile(file, &contents)) {
                    std::fprintf(stderr, "fuzz: cannot read %s\n", qPrintable(file));
                    return 2;
                }
                corpus.append(contents);
            }
        }
    }
    vw::fuzz::setFailureHook(saveCurrentInput);
    __sanitizer_set_death_callback(saveCurrentInput);

    QElapsedTimer clock;
    clock.start();
    for (const QByteArray &input : std::as_const(corpus))
        run(input);
    Mutator mutator(seed, maxLength, corpus, dictionary);
    for (currentRun = 1; currentRun <= runs; ++currentRun)
        run(mutator.next());
    std::printf("fuzz: %lld seed inputs and %llu mutated ones (seed %u, inputs up to %lld bytes, "
                "%lld dictionary tokens) passed in %.1f s\n",
                static_cast<long long>(corpus.size()), static_cast<unsigned long long>(runs), seed,
                static_cast<long long>(maxLength), static_cast<long long>(dictionary.size()),
                double(clock.elapsed()) / 1000);
    return 0;
}
