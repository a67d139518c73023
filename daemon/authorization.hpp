// Who may change things: uid 0 (as the bus reports it), or whoever polkit authorizes for
// org.binfmtd1.manage. Without a reachable polkit, nobody else. polkit is asked without
// blocking: the answer arrives on the event loop while binfmtd goes on serving.
#pragma once

#include "noncopyable.hpp"
#include "status.hpp"

#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>

namespace sdbus {
class IConnection;
class IProxy;
class Message;
} // namespace sdbus

namespace binfmtd {

// The sender of a call, as the bus reports it (never /proc/PID, which the caller can race).
struct Caller {
    uid_t euid = 0;
    std::string sender; // the unique bus name
};
Caller caller_of(const sdbus::Message& call);

class Authorizer : binfmt::NonCopyable {
public:
    explicit Authorizer(sdbus::IConnection& bus);
    // Questions still open are dropped: their `done` never runs.
    ~Authorizer();

    // `done` gets success, or a Failure with AccessDenied saying why. For uid 0 it runs before
    // check() returns; for anyone else once polkit answers, fails or times out.
    void check(const Caller& caller, bool interactive, std::function<void(Status)> done);

private:
    std::unique_ptr<sdbus::IProxy> polkit_;
};

} // namespace binfmtd
