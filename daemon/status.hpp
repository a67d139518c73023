// Expected failures below the bus edge are values: a Status (or a Result<T>) says what went
// wrong, as a sentence that quotes the offending value, and which API error it becomes if it
// reaches a caller. Unexpected failures (the event loop or inotify cannot be set up) throw.
#pragma once

#include "api_errors.hpp"

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace binfmtd {

struct Failure {
    binfmt::ApiErrorCode code;
    std::string message;
    int errnum = 0; // the errno behind it, when there is one
};

class [[nodiscard]] Status {
public:
    Status() = default; // success
    Status(Failure failure) : failure_(std::move(failure)) {}
    bool ok() const { return !failure_; }
    const Failure& failure() const { return *failure_; }

private:
    std::optional<Failure> failure_;
};

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Failure failure) : v_(std::move(failure)) {}
    bool ok() const { return v_.index() == 0; }
    const T& value() const { return std::get<0>(v_); }
    T& value() { return std::get<0>(v_); }
    const Failure& failure() const { return std::get<1>(v_); }

private:
    std::variant<T, Failure> v_;
};

} // namespace binfmtd
