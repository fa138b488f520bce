#pragma once

#include <QIODevice>
#include <QString>

#include <memory>

class QSaveFile;

namespace vw::engine {

// Where one downloaded artifact goes: a write-only device in front of a QSaveFile, so the file
// appears under its name only when commit() is called after the whole download arrived; until
// then the bytes sit in a temporary file beside it. It counts what arrives (received()), which
// the plain file download of DaytonaClient cannot report, and it can be discarded at any moment
// (a cancel): the temporary file is removed at once and every later write fails, which makes
// the transfer abort on its next piece.
class ArtifactFileSink : public QIODevice
{
    Q_OBJECT

public:
    explicit ArtifactFileSink(const QString &path, QObject *parent = nullptr);
    // Discards what was not committed.
    ~ArtifactFileSink() override;

    QString path() const { return m_path; }
    // Creates the missing parent directories and the temporary file; false with errorString().
    bool openForDownload();
    // Puts the file in place (replacing an older one); false with errorString().
    bool commit();
    // Removes the temporary file; writes fail from now on.
    void discard();
    bool isDiscarded() const { return m_discarded; }
    qint64 received() const { return m_received; }

    bool isSequential() const override { return true; }

signals:
    // After each piece written: the bytes received so far.
    void receivedChanged(qint64 received);

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    QString m_path;
    std::unique_ptr<QSaveFile> m_file;
    qint64 m_received = 0;
    bool m_discarded = false;
};

} // namespace vw::engine
