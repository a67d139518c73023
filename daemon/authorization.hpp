// Who may change things: uid 0 (as the bus reports it), or whoever polkit
// authorizes for org.binfmtd1.manage. Without a reachable polkit, nobody else.
#pragma once

#include <string>

namespace sdbus {
class IConnection;
class Message;
} // namespace sdbus

namespace binfmtd {

// Throws ApiError(AccessDenied) unless the sender of `call` may manage entries.
void authorize_manage(sdbus::IConnection& bus, const sdbus::Message& call, bool interactive);

} // namespace binfmtd
