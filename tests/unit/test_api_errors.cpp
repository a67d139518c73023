// The one table of API errors: what the daemon names each code, and what binfmtctl makes of
// each name.
#include "api_error.hpp"
#include "api_errors.hpp"
#include "errors.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

using binfmt::ApiErrorCode;
using binfmt::kApiErrors;

TEST_CASE("every API error code has its own D-Bus name") {
    std::set<std::string_view> names;
    for (auto& e : kApiErrors) {
        CHECK(names.insert(e.dbus_name).second);
        CHECK(binfmt::api_error_named(e.dbus_name) == &e);
        CHECK(!e.hint.empty());
    }
    CHECK(binfmt::api_error_named("org.binfmtd1.Error.Nonsense") == nullptr);
}

TEST_CASE("ApiError reports the table's name for its code") {
    for (auto& e : kApiErrors) CHECK(binfmtd::ApiError(e.code, "x").dbus_name() == e.dbus_name);
    CHECK(binfmtd::ApiError(ApiErrorCode::NotManaged, "x").dbus_name() == "org.binfmtd1.Error.NotManaged");
}

TEST_CASE("binfmtctl exits with the table's code for each of binfmtd's errors") {
    for (auto& e : kApiErrors) {
        INFO(e.dbus_name);
        CHECK(binfmtctl::report_error(sdbus::Error(std::string(e.dbus_name), "message")) == e.exit_code);
    }
    CHECK(binfmt::api_error(ApiErrorCode::NoSuchEntry).exit_code == 5);
    CHECK(binfmt::api_error(ApiErrorCode::AccessDenied).exit_code == 4);
    CHECK(binfmt::api_error(ApiErrorCode::NotManaged).exit_code == 1);
}

TEST_CASE("binfmtctl's exit codes for the bus's own errors") {
    CHECK(binfmtctl::report_error(sdbus::Error("org.freedesktop.DBus.Error.ServiceUnknown", "")) == 3);
    CHECK(binfmtctl::report_error(sdbus::Error("org.freedesktop.DBus.Error.Spawn.ChildExited", "")) == 3);
    CHECK(binfmtctl::report_error(sdbus::Error("org.freedesktop.DBus.Error.AuthFailed", "")) == 4);
    CHECK(binfmtctl::report_error(sdbus::Error("org.freedesktop.DBus.Error.UnknownMethod", "")) == 1);
    CHECK(binfmtctl::report_error(sdbus::Error("org.example.Whatever", "")) == 1);
}

TEST_CASE("hints never contradict the call or the message", "[api-errors]") {
    using binfmt::CallOptions;
    using binfmt::hint_for;
    const CallOptions plain{}, replace{.replace = true}, persist{.persist = true}, file{.file = true};
    const std::string_view defined = "entry \"x\" is already defined (runtime); pass replace to overwrite it";
    CHECK(hint_for(ApiErrorCode::AlreadyExists, defined, plain).find("--replace") != std::string_view::npos);
    CHECK(hint_for(ApiErrorCode::AlreadyExists, defined, replace).find("--replace") == std::string_view::npos);
    for (std::string_view outranked : {"entry \"x\" was not registered: \"/etc/binfmtd.d/x.toml\" takes precedence "
                                       "over \"/run/binfmtd.d/x.toml\"",
                                       "the kernel has an entry \"x\" that binfmtd does not manage; binfmtd never "
                                       "replaces it"})
        for (const CallOptions& call : {plain, replace}) {
            INFO(outranked);
            CHECK(hint_for(ApiErrorCode::AlreadyExists, outranked, call).find("--replace") == std::string_view::npos);
        }
    const std::string_view loop = "interpreter \"/opt/a\": too many levels of symbolic links";
    CHECK(hint_for(ApiErrorCode::UnsafeInterpreter, loop, plain).find("owned by root") == std::string_view::npos);
    CHECK(hint_for(ApiErrorCode::UnsafeInterpreter, loop, plain).find("symlink loop") != std::string_view::npos);
    CHECK(hint_for(ApiErrorCode::UnsafeInterpreter, "interpreter \"/opt/a\" is not executable", plain)
              .find("owned by root") == std::string_view::npos);
    CHECK(hint_for(ApiErrorCode::UnsafeInterpreter, "\"/opt\" is writable by group or others (mode 0777)", plain) ==
          binfmt::api_error(ApiErrorCode::UnsafeInterpreter).hint);
    CHECK(hint_for(ApiErrorCode::NativeConflict, "magic ... would capture", {.force = true}).empty());
    CHECK(hint_for(ApiErrorCode::ReadOnly, "cannot write \"/run/binfmtd.d/x.toml\": Read-only file system", plain)
              .find("--persist") == std::string_view::npos);
    CHECK(hint_for(ApiErrorCode::ReadOnly, "cannot write \"/etc/binfmtd.d/x.toml\": Read-only file system", persist)
              .find("without --persist") != std::string_view::npos);
    CHECK(hint_for(ApiErrorCode::InvalidEntry, "entry \"x\": magic is empty", plain).find("validate FILE") ==
          std::string_view::npos);
    CHECK(hint_for(ApiErrorCode::InvalidEntry, "entry \"x\": magic is empty", file).find("validate FILE") !=
          std::string_view::npos);
}
