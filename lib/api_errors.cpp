#include "api_errors.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace binfmt {

const ApiErrorInfo* api_error_named(std::string_view name) {
    auto it = std::find_if(kApiErrors.begin(), kApiErrors.end(),
                           [&](const ApiErrorInfo& e) { return e.dbus_name == name; });
    return it == kApiErrors.end() ? nullptr : &*it;
}

namespace {
bool says(std::string_view message, std::string_view what) { return message.find(what) != std::string_view::npos; }

std::string_view interpreter_hint(std::string_view message) {
    // ELOOP: nothing about ownership would help.
    if (says(message, "too many levels of symbolic links") || says(message, std::strerror(ELOOP)))
        return "the interpreter path runs through a symlink loop, or through more symlinks than the kernel "
               "follows (40); set `interpreter` to the file itself";
    if (says(message, "is not executable")) return "the interpreter must be an executable file (chmod 755)";
    if (says(message, "is not a regular file")) return "set `interpreter` to a regular file";
    if (says(message, "is on procfs")) return "set `interpreter` to a file outside /proc";
    if (says(message, "does not exist")) return "install the interpreter, or correct its path";
    if (says(message, "owned by uid") || says(message, "writable by group or others"))
        return api_error(ApiErrorCode::UnsafeInterpreter).hint;
    return {}; // binfmtd could not look: its message says why
}
} // namespace

std::string_view hint_for(ApiErrorCode code, std::string_view message, const CallOptions& call) {
    using C = ApiErrorCode;
    const std::string_view hint = api_error(code).hint;
    switch (code) {
    case C::InvalidEntry: return call.file ? hint : "fix the definition; binfmtd.d(5) lists the keys and their limits";
    case C::AlreadyExists:
        if (says(message, "takes precedence over"))
            return "a definition in a directory of higher precedence wins; change or remove that file";
        if (says(message, "does not manage"))
            return "binfmtd never replaces another tool's entry; remove it with the tool that registered it";
        if (says(message, "not written by binfmtd")) return "edit that file, or choose another name";
        return call.replace ? std::string_view{} : hint;
    case C::UnsafeInterpreter: return interpreter_hint(message);
    case C::NativeConflict: return call.force ? std::string_view{} : hint;
    case C::ReadOnly:
        if (says(message, "did not write"))
            return "edit or mask that file; without --persist it stays out until reboot";
        if (says(message, "is corrupt")) return "binfmtd's state file is damaged; binfmtd's log has the details";
        return call.persist ? hint : "binfmtd cannot write its runtime directory; binfmtd's log has the details";
    default: return hint;
    }
}

} // namespace binfmt
