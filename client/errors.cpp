#include "errors.hpp"

#include "api_errors.hpp"
#include "escape.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <optional>
#include <string_view>

namespace binfmtctl {

namespace {

struct ErrorMeaning {
    std::string_view name; // a full error name, or a prefix ending in '.'
    int exit_code;
    std::string_view hint;
};

constexpr std::string_view kUnreachable = "cannot reach binfmtd on the system bus (is binfmtd.service running?)";
constexpr std::string_view kDenied = binfmt::api_error(binfmt::ApiErrorCode::AccessDenied).hint;
constexpr std::string_view kMismatch = "binfmtd does not offer this; are binfmtd and binfmtctl the same version?";

// The bus's own errors; binfmtd's are binfmt::kApiErrors.
constexpr std::array<ErrorMeaning, 13> kBusMeanings{{
    {"org.freedesktop.DBus.Error.ServiceUnknown", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.NameHasNoOwner", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.NoServer", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.Disconnected", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.NoReply", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.Timeout", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.TimedOut", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.Spawn.", 3, kUnreachable},
    {"org.freedesktop.DBus.Error.AuthFailed", 4, kDenied},
    {"org.freedesktop.DBus.Error.InteractiveAuthorizationRequired", 4,
     "permission denied — run as root, or from a terminal so that polkit can ask for a password"},
    {"org.freedesktop.DBus.Error.UnknownMethod", 1, kMismatch},
    {"org.freedesktop.DBus.Error.UnknownObject", 1, kMismatch},
    {"org.freedesktop.DBus.Error.UnknownInterface", 1, kMismatch},
}};

std::optional<ErrorMeaning> meaning_of(std::string_view name, std::string_view message,
                                       const binfmt::CallOptions& call) {
    if (const auto* api = binfmt::api_error_named(name))
        return ErrorMeaning{api->dbus_name, api->exit_code, binfmt::hint_for(api->code, message, call)};
    for (auto& m : kBusMeanings) {
        const bool prefix = m.name.back() == '.';
        if (prefix ? name.starts_with(m.name) : name == m.name) return m;
    }
    return std::nullopt;
}

} // namespace

int report_error(const sdbus::Error& error, const std::string& context, const binfmt::CallOptions& call) {
    const std::string message = error.getMessage().empty() ? std::string("failed") : error.getMessage();
    const auto m = meaning_of(error.getName(), message, call);
    // The daemon's message quotes names and paths that may hold any byte; so may the context.
    std::string line = fmt::format("binfmtctl: {}{}{} [{}]\n", binfmt::escape(context), context.empty() ? "" : ": ",
                                   binfmt::escape_text(message), binfmt::escape(error.getName()));
    if (m && !m->hint.empty()) line += fmt::format("binfmtctl: {}\n", m->hint);
    std::fputs(line.c_str(), stderr);
    return m ? m->exit_code : 1;
}

} // namespace binfmtctl
