// The parsers of the Daytona API's answers (DaytonaTypes): whatever body a server sends — the
// first byte picks which answer it is taken for — each returns a value or an INVALID_RESPONSE
// error with a message, and what it returns is consistent: demultiplexed output adds up to the
// markers-free log, listed files have a name and a size of at least 0.

#include "FuzzSupport.h"

#include "app/daytona/DaytonaTypes.h"
#include "app/daytona/ErrorParser.h"
#include "models/StreamDemuxer.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace vw::daytona;

namespace {

template<typename T>
bool parsed(const vw::Result<T> &result)
{
    if (!result) {
        VW_FUZZ_CHECK(result.error().code == ErrorParser::kInvalidResponse);
        VW_FUZZ_CHECK(!result.error().message.isEmpty());
    }
    return result.ok();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *bytes, std::size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray body(reinterpret_cast<const char *>(bytes) + 1, qsizetype(size - 1));
    switch (bytes[0] % 6) {
    case 0:
        if (const auto page = SandboxPage::fromJson(body); parsed(page)) {
            for (const Sandbox &sandbox : page.value().items)
                VW_FUZZ_CHECK(!sandbox.id.isEmpty() || !sandbox.name.isEmpty());
        }
        break;
    case 1:
        if (const auto result = ExecResult::fromJson(body); parsed(result)) {
            // Split by us when the output carries markers: the streams add up to the output
            // without them. (Otherwise a server may send stdout and stderr apart.)
            const ExecResult &exec = result.value();
            const QByteArray output = QJsonDocument::fromJson(body)
                                          .object()
                                          .value(QStringLiteral("output"))
                                          .toString()
                                          .toUtf8();
            if (vw::StreamDemuxer::containsMarker(output)) {
                VW_FUZZ_CHECK_EQUAL(exec.output, vw::StreamDemuxer::stripMarkers(output));
                VW_FUZZ_CHECK(exec.output.size() ==
                              exec.stdoutBytes.size() + exec.stderrBytes.size());
            }
        }
        break;
    case 2: {
        const auto logs = CommandLogs::fromBody(body, "text/plain; charset=utf-8");
        VW_FUZZ_CHECK(logs.ok());
        VW_FUZZ_CHECK(logs.value().raw == body);
        VW_FUZZ_CHECK(logs.value().stdoutBytes.size() + logs.value().stderrBytes.size() ==
                      vw::StreamDemuxer::stripMarkers(body).size());
        break;
    }
    case 3:
        if (const auto logs = CommandLogs::fromBody(body, "application/json"); parsed(logs)) {
            if (vw::StreamDemuxer::containsMarker(logs.value().raw))
                VW_FUZZ_CHECK(logs.value().stdoutBytes.size() + logs.value().stderrBytes.size() ==
                              vw::StreamDemuxer::stripMarkers(logs.value().raw).size());
        }
        break;
    case 4:
        if (const auto files = FileInfo::listFromJson(body); parsed(files)) {
            for (const FileInfo &file : files.value()) {
                VW_FUZZ_CHECK(!file.name.isEmpty());
                VW_FUZZ_CHECK(file.size >= 0);
            }
        }
        break;
    default:
        parsed(ExecuteResult::fromJson(body));
        break;
    }
    return 0;
}
