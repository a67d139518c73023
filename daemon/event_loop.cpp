#include "event_loop.hpp"

#include <sdbus-c++/IConnection.h>
#include <systemd/sd-event.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <list>
#include <stdexcept>
#include <string>

namespace binfmtd {

namespace {
// sd-event reads an accuracy of 0 as its default, 250 ms, and may fire that late to coalesce
// wake-ups: a restore after a flush would then take up to a quarter second. Timers here are
// rare (one per reconcile) and must fire when asked.
constexpr std::uint64_t kAccuracyUsec = 1;

void check(int r, const char* what) {
    if (r < 0) throw std::runtime_error(std::string(what) + ": " + std::strerror(-r));
}
} // namespace

struct EventLoop::Impl {
    sd_event* event = nullptr;
    sdbus::IConnection* bus = nullptr;
    sd_event_source* bus_io = nullptr;
    sd_event_source* bus_timer = nullptr;
    std::list<std::function<void()>> signal_handlers; // stable addresses for userdata

    // Before each poll: the bus may want other events or a new timeout.
    static int prepare(sd_event_source*, void* userdata) {
        auto* self = static_cast<Impl*>(userdata);
        auto poll = self->bus->getEventLoopPollData();
        sd_event_source_set_io_fd(self->bus_io, poll.fd);
        sd_event_source_set_io_events(self->bus_io, static_cast<uint32_t>(poll.events));
        if (poll.timeout_usec == UINT64_MAX) {
            sd_event_source_set_enabled(self->bus_timer, SD_EVENT_OFF);
        } else {
            sd_event_source_set_time(self->bus_timer, poll.timeout_usec);
            sd_event_source_set_enabled(self->bus_timer, SD_EVENT_ONESHOT);
        }
        return 0;
    }
    static int dispatch(void* userdata) {
        auto* self = static_cast<Impl*>(userdata);
        while (self->bus->processPendingRequest()) {
        }
        return 0;
    }
    static int on_io(sd_event_source*, int, uint32_t, void* userdata) { return dispatch(userdata); }
    static int on_time(sd_event_source*, uint64_t, void* userdata) { return dispatch(userdata); }
    static int on_signal(sd_event_source*, const struct signalfd_siginfo*, void* userdata) {
        (*static_cast<std::function<void()>*>(userdata))();
        return 0;
    }
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {
    check(sd_event_default(&impl_->event), "sd_event_default");
    // Pings the service manager's watchdog when WATCHDOG_USEC asks for it.
    check(sd_event_set_watchdog(impl_->event, true), "sd_event_set_watchdog");
}

EventLoop::~EventLoop() {
    sd_event_source_unref(impl_->bus_io);
    sd_event_source_unref(impl_->bus_timer);
    sd_event_unref(impl_->event);
}

void EventLoop::attach(sdbus::IConnection& bus) {
    impl_->bus = &bus;
    auto poll = bus.getEventLoopPollData();
    check(sd_event_add_io(impl_->event, &impl_->bus_io, poll.fd, static_cast<uint32_t>(poll.events), Impl::on_io,
                          impl_.get()),
          "sd_event_add_io");
    check(sd_event_source_set_prepare(impl_->bus_io, Impl::prepare), "sd_event_source_set_prepare");
    check(sd_event_add_time(impl_->event, &impl_->bus_timer, CLOCK_MONOTONIC, UINT64_MAX, kAccuracyUsec, Impl::on_time,
                            impl_.get()),
          "sd_event_add_time");
    sd_event_source_set_enabled(impl_->bus_timer, SD_EVENT_OFF);
    Impl::dispatch(impl_.get()); // messages queued before we attached
}

void EventLoop::on_signal(int signo, std::function<void()> handler) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    sigprocmask(SIG_BLOCK, &set, nullptr);
    auto& h = impl_->signal_handlers.emplace_back(std::move(handler));
    check(sd_event_add_signal(impl_->event, nullptr, signo, Impl::on_signal, &h), "sd_event_add_signal");
}

EventLoop::Source::Source(Source&& o) noexcept : source_(o.source_), handler_(std::move(o.handler_)) {
    o.source_ = nullptr;
}

EventLoop::Source& EventLoop::Source::operator=(Source&& o) noexcept {
    if (this != &o) {
        sd_event_source_disable_unref(source_);
        source_ = o.source_;
        handler_ = std::move(o.handler_);
        o.source_ = nullptr;
    }
    return *this;
}

EventLoop::Source::~Source() { sd_event_source_disable_unref(source_); }

EventLoop::Source EventLoop::add_io(int fd, std::uint32_t events, std::function<void(std::uint32_t)> handler) {
    Source s;
    s.handler_ = std::make_unique<std::function<void(std::uint32_t)>>(std::move(handler));
    auto cb = [](sd_event_source*, int, uint32_t revents, void* userdata) {
        (*static_cast<std::function<void(std::uint32_t)>*>(userdata))(revents);
        return 0;
    };
    check(sd_event_add_io(impl_->event, &s.source_, fd, events, cb, s.handler_.get()), "sd_event_add_io");
    return s;
}

EventLoop::Source EventLoop::add_timer(std::uint64_t usec, std::function<void()> handler) {
    Source s;
    s.handler_ = std::make_unique<std::function<void(std::uint32_t)>>([h = std::move(handler)](std::uint32_t) { h(); });
    auto cb = [](sd_event_source*, uint64_t, void* userdata) {
        (*static_cast<std::function<void(std::uint32_t)>*>(userdata))(0);
        return 0;
    };
    check(sd_event_add_time_relative(impl_->event, &s.source_, CLOCK_MONOTONIC, usec, kAccuracyUsec, cb,
                                     s.handler_.get()),
          "sd_event_add_time_relative");
    return s;
}

int EventLoop::run() { return sd_event_loop(impl_->event); }

void EventLoop::exit(int code) { sd_event_exit(impl_->event, code); }

} // namespace binfmtd
