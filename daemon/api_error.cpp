#include "api_error.hpp"

namespace binfmtd {

std::string ApiError::dbus_name() const {
    switch (code_) {
    case Code::InvalidEntry: return "org.binfmtd1.Error.InvalidEntry";
    case Code::NoSuchEntry: return "org.binfmtd1.Error.NoSuchEntry";
    case Code::AlreadyExists: return "org.binfmtd1.Error.AlreadyExists";
    case Code::UnsafeInterpreter: return "org.binfmtd1.Error.UnsafeInterpreter";
    case Code::NativeConflict: return "org.binfmtd1.Error.NativeConflict";
    case Code::NotMounted: return "org.binfmtd1.Error.NotMounted";
    case Code::KernelRejected: return "org.binfmtd1.Error.KernelRejected";
    case Code::ReadOnly: return "org.binfmtd1.Error.ReadOnly";
    case Code::AccessDenied: return "org.freedesktop.DBus.Error.AccessDenied";
    }
    return "org.freedesktop.DBus.Error.Failed";
}

} // namespace binfmtd
