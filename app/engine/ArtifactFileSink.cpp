#include "app/engine/ArtifactFileSink.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

namespace vw::engine {

ArtifactFileSink::ArtifactFileSink(const QString &path, QObject *parent)
    : QIODevice(parent)
    , m_path(path)
{
}

ArtifactFileSink::~ArtifactFileSink()
{
    discard();
}

bool ArtifactFileSink::openForDownload()
{
    const QFileInfo info(m_path);
    if (!QDir().mkpath(info.absolutePath())) {
        setErrorString(tr("Cannot create the folder %1.").arg(info.absolutePath()));
        return false;
    }
    m_file = std::make_unique<QSaveFile>(m_path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        setErrorString(m_file->errorString());
        m_file.reset();
        return false;
    }
    return open(QIODevice::WriteOnly);
}

bool ArtifactFileSink::commit()
{
    if (!m_file || m_discarded) {
        setErrorString(tr("The download was discarded."));
        return false;
    }
    const bool committed = m_file->commit();
    if (!committed)
        setErrorString(m_file->errorString());
    m_file.reset();
    close();
    return committed;
}

void ArtifactFileSink::discard()
{
    m_discarded = true;
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset(); // QSaveFile removes its temporary file here
    }
    // Stays open: the transfer's next write then fails (and aborts it) without a warning
    // about a closed device.
}

qint64 ArtifactFileSink::readData(char *, qint64)
{
    return -1;
}

qint64 ArtifactFileSink::writeData(const char *data, qint64 size)
{
    if (m_discarded || !m_file) {
        setErrorString(tr("The download was cancelled."));
        return -1;
    }
    const qint64 written = m_file->write(data, size);
    if (written != size) {
        setErrorString(m_file->errorString());
        return -1;
    }
    m_received += written;
    emit receivedChanged(m_received);
    return written;
}

} // namespace vw::engine
