// The changing calls that wait for their authorization: bounded per sender and in all, so that
// a flood of calls polkit never answers cannot grow binfmtd, and each answered with an error if
// binfmtd stops first.
#pragma once

#include "noncopyable.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace binfmtd {

class PendingCalls : binfmt::NonCopyable {
public:
    static constexpr std::size_t kPerSender = 8;
    static constexpr std::size_t kTotal = 64;
    using Id = std::uint64_t;

    // Records a call from `sender`; `abandon(why)` answers it if binfmtd stops first. nullopt
    // when the sender, or everybody together, already has the most calls waiting.
    std::optional<Id> add(const std::string& sender, std::function<void(const std::string& why)> abandon);
    // The call's authorization is in: true, and it is no longer recorded; false when it was
    // abandoned already.
    bool take(Id id);
    // Answers every recorded call with abandon(why), and forgets them.
    void abandon_all(const std::string& why);

    std::size_t size() const { return calls_.size(); }
    std::size_t from(const std::string& sender) const;

private:
    struct Call {
        std::string sender;
        std::function<void(const std::string&)> abandon;
    };
    std::map<Id, Call> calls_; // in arrival order
    Id next_ = 1;
};

} // namespace binfmtd
