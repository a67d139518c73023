#include "watchers.hpp"

namespace binfmtd {

Watchers::Watchers(EventLoop& loop, Settings settings, Reconcile reconcile)
    : alarm_(loop, clock_),
      scheduler_(clock_, alarm_, {.debounce_usec = settings.debounce_usec},
                 [this, reconcile = std::move(reconcile)](const std::string& why) {
                     config_.rearm_if_needed();
                     kernel_.discard_events(); // the reconcile reads the table after these events anyway
                     reconcile(why);
                 }),
      config_(loop, settings.config_dirs, scheduler_), interpreters_(loop, scheduler_),
      kernel_(loop, settings.binfmt_dir, scheduler_), mounts_(loop, settings.binfmt_dir, scheduler_) {}

void Watchers::update(const std::vector<std::string>& interpreter_paths, bool mounted, const OwnWrites& own) {
    kernel_.update(mounted, own);
    mounts_.remember();
    interpreters_.watch(interpreter_paths);
}

} // namespace binfmtd
