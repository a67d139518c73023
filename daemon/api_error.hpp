// Errors the API reports by name (org.binfmtd1.Error.*), raised by the core and
// mapped 1:1 to D-Bus errors by the bus adaptor.
#pragma once

#include <stdexcept>
#include <string>

namespace binfmtd {

class ApiError : public std::runtime_error {
public:
    enum class Code { InvalidEntry, NoSuchEntry, AlreadyExists, UnsafeInterpreter, NativeConflict, NotMounted,
                      KernelRejected, ReadOnly, AccessDenied };
    ApiError(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
    Code code() const { return code_; }
    // "org.binfmtd1.Error.InvalidEntry", or "org.freedesktop.DBus.Error.AccessDenied".
    std::string dbus_name() const;

private:
    Code code_;
};

} // namespace binfmtd
