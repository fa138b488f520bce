// ErrorParser::fromHttp, which turns whatever a server answers with an HTTP error — JSON of
// either Daytona shape, plain text, HTML, nothing — into the error users read: its code is a
// machine code, its message one line of at most kMaxMessageLength characters without control
// characters (never empty), and the status is the one the server answered with.

#include "FuzzSupport.h"

#include "app/daytona/ErrorParser.h"

#include <QRegularExpression>

using vw::daytona::ErrorParser;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    if (size < 2)
        return 0;
    // The first two bytes choose the status (0 to 599: 0 is "none", as for a dropped answer).
    const int status = ((bytes[0] << 8) | bytes[1]) % 600;
    const QByteArray body(reinterpret_cast<const char *>(bytes) + 2, qsizetype(size - 2));
    const vw::Error error = ErrorParser::fromHttp(status, body);

    static const QRegularExpression machineCode(QStringLiteral("^[A-Z][A-Z0-9_]{0,63}$"));
    VW_FUZZ_CHECK(machineCode.match(error.code).hasMatch());
    VW_FUZZ_CHECK(!error.message.isEmpty());
    VW_FUZZ_CHECK(error.message.size() <= ErrorParser::kMaxMessageLength);
    VW_FUZZ_CHECK_EQUAL(error.message, error.message.simplified());
    for (QChar c : error.message) {
        VW_FUZZ_CHECK(c.category() != QChar::Other_Control);
        VW_FUZZ_CHECK(c != QChar::LineSeparator && c != QChar::ParagraphSeparator);
    }
    VW_FUZZ_CHECK(status == 0 || error.httpStatus == status);
    return 0;
}
