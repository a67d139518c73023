#include "pending_calls.hpp"

#include <algorithm>

namespace binfmtd {

std::size_t PendingCalls::from(const std::string& sender) const {
    return static_cast<std::size_t>(std::count_if(calls_.begin(), calls_.end(),
                                                  [&](const auto& c) { return c.second.sender == sender; }));
}

std::optional<PendingCalls::Id> PendingCalls::add(const std::string& sender,
                                                  std::function<void(const std::string&)> abandon) {
    if (calls_.size() >= kTotal || from(sender) >= kPerSender) return std::nullopt;
    const Id id = next_++;
    calls_.emplace(id, Call{sender, std::move(abandon)});
    return id;
}

bool PendingCalls::take(Id id) { return calls_.erase(id) != 0; }

void PendingCalls::abandon_all(const std::string& why) {
    auto calls = std::move(calls_);
    calls_.clear();
    for (auto& [id, call] : calls) call.abandon(why);
}

} // namespace binfmtd
