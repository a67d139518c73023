// The errors of the org.binfmtd1 API: the name each one has on the bus, and what binfmtctl
// makes of it (exit code and advice). The daemon raises them; the client explains them.
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace binfmt {

enum class ApiErrorCode {
    InvalidEntry,
    NoSuchEntry,
    AlreadyExists,
    UnsafeInterpreter,
    NativeConflict,
    NotMounted,
    KernelRejected,
    ReadOnly,
    NotManaged,
    AccessDenied,
};

struct ApiErrorInfo {
    ApiErrorCode code;
    std::string_view dbus_name;
    int exit_code;         // binfmtctl's exit status
    std::string_view hint; // binfmtctl's advice, printed after the daemon's message
};

// One row a code, in the enum's order (checked below), so a code is its row's index.
inline constexpr std::array<ApiErrorInfo, 10> kApiErrors{{
    // A definition binfmtd's checks or the kernel's limits refuse.
    {ApiErrorCode::InvalidEntry, "org.binfmtd1.Error.InvalidEntry", 1,
     "fix the definition; `binfmtctl validate FILE` checks a file offline"},
    {ApiErrorCode::NoSuchEntry, "org.binfmtd1.Error.NoSuchEntry", 5, "see `binfmtctl list`"},
    {ApiErrorCode::AlreadyExists, "org.binfmtd1.Error.AlreadyExists", 1, "pass --replace to overwrite it"},
    // Someone other than root could change the interpreter, or it would run the host's own programs.
    {ApiErrorCode::UnsafeInterpreter, "org.binfmtd1.Error.UnsafeInterpreter", 1,
     "the interpreter and the directories above it must be owned by root and not writable by group or others"},
    {ApiErrorCode::NativeConflict, "org.binfmtd1.Error.NativeConflict", 1,
     "it would capture this host's own executables; pass --force only if you are sure"},
    // binfmt_misc absent or read-only; the kernel refused a write.
    {ApiErrorCode::NotMounted, "org.binfmtd1.Error.NotMounted", 1,
     "binfmt_misc is not mounted; see `binfmtctl status`"},
    {ApiErrorCode::KernelRejected, "org.binfmtd1.Error.KernelRejected", 1,
     "the kernel refused it; binfmtd's log has the details"},
    // A configuration file binfmtd may not (or cannot) write.
    {ApiErrorCode::ReadOnly, "org.binfmtd1.Error.ReadOnly", 1,
     "the configuration directory is read-only; try without --persist"},
    // An entry that exists, but that another tool registered.
    {ApiErrorCode::NotManaged, "org.binfmtd1.Error.NotManaged", 1,
     "binfmtd leaves alone the entries it did not register; change it with the tool that registered it"},
    // Neither root nor allowed by polkit.
    {ApiErrorCode::AccessDenied, "org.freedesktop.DBus.Error.AccessDenied", 4,
     "permission denied — run as root or ask an administrator"},
}};

constexpr const ApiErrorInfo& api_error(ApiErrorCode code) { return kApiErrors[static_cast<std::size_t>(code)]; }

constexpr bool api_errors_in_order() {
    for (std::size_t i = 0; i < kApiErrors.size(); ++i)
        if (static_cast<std::size_t>(kApiErrors[i].code) != i) return false;
    return true;
}
static_assert(api_errors_in_order(), "kApiErrors must list every code once, in the enum's order");

// The row whose D-Bus name is `name`, or nullptr.
const ApiErrorInfo* api_error_named(std::string_view name);

// What binfmtctl was asked to do, so that its advice never contradicts the call.
struct CallOptions {
    bool replace = false;
    bool persist = false;
    bool force = false;
    bool file = false; // the definition came from a file (register --file)
};

// The advice after the daemon's `message` for `code`: the row's hint where it fits the message
// and the call, a more precise one where the message tells more, empty when none fits.
std::string_view hint_for(ApiErrorCode code, std::string_view message, const CallOptions& call);

} // namespace binfmt
