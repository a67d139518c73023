// One sd-event loop for everything: the bus (sdbus-c++ 1.2 has no sd-event
// attachment, so its poll data is bridged here), signals, and the watchdog.
#pragma once

#include "noncopyable.hpp"

#include <cstdint>
#include <functional>
#include <memory>

struct sd_event;
struct sd_event_source;

namespace sdbus {
class IConnection;
}

namespace binfmtd {

class EventLoop : binfmt::NonCopyable {
public:
    EventLoop();
    ~EventLoop();

    // Dispatches the connection's messages from this loop.
    void attach(sdbus::IConnection& bus);
    // Runs `handler` when `signo` arrives (the signal is blocked and read through signalfd).
    void on_signal(int signo, std::function<void()> handler);

    // An event source that lives as long as its handle.
    class Source {
    public:
        Source() = default;
        Source(Source&&) noexcept;
        Source& operator=(Source&&) noexcept;
        ~Source();
        explicit operator bool() const { return source_ != nullptr; }

    private:
        friend class EventLoop;
        sd_event_source* source_ = nullptr;
        std::unique_ptr<std::function<void(std::uint32_t)>> handler_;
    };
    // `handler(revents)` when `fd` is ready for `events` (EPOLLIN, EPOLLPRI, ...).
    Source add_io(int fd, std::uint32_t events, std::function<void(std::uint32_t)> handler);
    // `handler` once, `usec` microseconds from now.
    Source add_timer(std::uint64_t usec, std::function<void()> handler);
    int run();
    void exit(int code);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace binfmtd
