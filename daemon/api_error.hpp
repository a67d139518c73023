// The bus edge's exception: an API error by name (org.binfmtd1.Error.*), thrown while decoding
// or authorizing a call, or from a core Failure, and turned into the D-Bus error by the adaptor.
#pragma once

#include "api_errors.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace binfmtd {

class ApiError : public std::runtime_error {
public:
    using Code = binfmt::ApiErrorCode;
    ApiError(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
    Code code() const { return code_; }
    // "org.binfmtd1.Error.InvalidEntry", or "org.freedesktop.DBus.Error.AccessDenied".
    std::string dbus_name() const;

private:
    Code code_;
};

// A caller's value as error messages quote it: at most `max` bytes, cut at a UTF-8 character
// boundary (an error reply must stay a valid D-Bus string), saying how long it really was.
std::string shorten(std::string_view value, std::size_t max = 64);

// `text` as a D-Bus string may carry it: valid UTF-8, each byte of an invalid sequence shown as
// \xHH. The kernel's entry names and paths, and file names, are bytes, not UTF-8; sd-bus
// refuses to send anything else (and binfmtd must not fail because another tool's entry is odd).
std::string for_dbus(std::string_view text);

} // namespace binfmtd
