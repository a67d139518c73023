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
      config_(loop, settings.config_dirs, ask()), interpreters_(loop, ask()), kernel_(loop, settings.binfmt_dir, ask()),
      mounts_(loop, settings.binfmt_dir, ask()) {}

Schedule Watchers::ask() {
    return [this](const std::string& why, ReconcileScheduler::Urgency urgency, std::uint64_t delay_usec) {
        scheduler_.schedule(why, urgency, delay_usec);
    };
}

void Watchers::update(const std::vector<std::string>& interpreter_paths, bool mounted, const OwnWrites& own) {
    kernel_.update(mounted, own);
    mounts_.remember();
    interpreters_.watch(interpreter_paths);
}

} // namespace binfmtd
