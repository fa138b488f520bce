#include "models/RandomToken.h"

#include <QByteArray>
#include <QRandomGenerator>

namespace vw {

QString RandomToken::lowercaseAlphanumeric(int length)
{
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    constexpr quint32 kAlphabetSize = sizeof(kAlphabet) - 1;
    QString token;
    token.reserve(length);
    for (int i = 0; i < length; ++i)
        token.append(QLatin1Char(kAlphabet[QRandomGenerator::system()->bounded(kAlphabetSize)]));
    return token;
}

QString RandomToken::hex256()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()),
                                          bytes.size() / int(sizeof(quint32)));
    return QString::fromLatin1(bytes.toHex());
}

} // namespace vw
