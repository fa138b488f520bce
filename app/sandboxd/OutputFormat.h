#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace vw::sandboxd {

class ApiRequest;

// How command output is presented to a client, negotiated from its headers exactly as the
// daemon does (daytona-api.md §3.6).
class OutputFormat
{
public:
    enum class Mode {
        // No SDK version and no split header (a plain curl), or an SDK older than 0.27:
        // markers stripped, stdout and stderr cannot be told apart.
        Combined,
        // X-Daytona-Split-Output: true, or an SDK in [0.27, 0.167): raw log with markers.
        Markers,
        // SDK ≥ 0.167 or a dev build: raw log with markers plus server-side demux (exec
        // stdout/stderr fields, JSON logs).
        ServerDemux,
    };

    // sdkVersion: the X-Daytona-SDK-Version header, or the version from the
    // X-Daytona-SDK-Version~<v> WebSocket subprotocol (empty when neither was sent).
    static Mode negotiate(QByteArrayView sdkVersion, QByteArrayView splitOutputHeader);
    static Mode forRequest(const ApiRequest &request);

    // The "X-Daytona-SDK-Version~<v>" entry of a Sec-WebSocket-Protocol header, if offered.
    static std::optional<QByteArray> sdkSubprotocol(QByteArrayView secWebSocketProtocol);
    static constexpr QByteArrayView kSubprotocolPrefix = "X-Daytona-SDK-Version~";

    // Whether markers survive into what the client receives.
    static bool keepsMarkers(Mode mode) { return mode != Mode::Combined; }
};

} // namespace vw::sandboxd
