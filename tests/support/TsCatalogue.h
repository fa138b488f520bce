#pragma once

#include <QFile>
#include <QList>
#include <QString>
#include <QStringList>
#include <QXmlStreamReader>

namespace vw::test {

// One message of a Qt Linguist catalogue (.ts): its context, English source and translations
// (one, or one per plural form for numerus messages), and whether it is still unfinished.
struct TsMessage
{
    QString context;
    QString source;
    QStringList translations;
    QString translationType; // "", "unfinished", "vanished", "obsolete"
    bool numerus = false;
};

struct TsCatalogue
{
    QString language; // the <TS language="…"> attribute
    QList<TsMessage> messages;
    QString error; // empty when the file was read
};

inline TsCatalogue readTsCatalogue(const QString &path)
{
    TsCatalogue catalogue;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        catalogue.error = file.errorString();
        return catalogue;
    }
    QXmlStreamReader xml(&file);
    QString context;
    TsMessage message;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            const auto name = xml.name();
            if (name == u"TS") {
                catalogue.language = xml.attributes().value(QStringLiteral("language")).toString();
            } else if (name == u"name") {
                context = xml.readElementText();
            } else if (name == u"message") {
                message = TsMessage{context,
                                    {},
                                    {},
                                    {},
                                    xml.attributes().value(QStringLiteral("numerus")) == u"yes"};
            } else if (name == u"source") {
                message.source = xml.readElementText();
            } else if (name == u"translation") {
                message.translationType = xml.attributes().value(QStringLiteral("type")).toString();
                if (!message.numerus)
                    message.translations << xml.readElementText();
            } else if (name == u"numerusform") {
                message.translations << xml.readElementText();
            }
        } else if (xml.isEndElement() && xml.name() == u"message") {
            catalogue.messages << message;
        }
    }
    if (xml.hasError())
        catalogue.error =
            QStringLiteral("%1 at line %2").arg(xml.errorString()).arg(xml.lineNumber());
    return catalogue;
}

} // namespace vw::test
