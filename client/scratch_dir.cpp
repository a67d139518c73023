#include "scratch_dir.hpp"

#include "escape.hpp"
#include "unique_fd.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

namespace binfmtctl {

ScratchDir::ScratchDir() {
    const char* tmp = std::getenv("TMPDIR");
    const std::string base = tmp && *tmp ? tmp : "/tmp";
    std::string tmpl = base + "/binfmtctl-XXXXXX";
    if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error(fmt::format("cannot create a directory in {}: {}", binfmt::in_quotes(base),
                                             std::strerror(errno)));
    path_ = tmpl;
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string ScratchDir::write_program(const std::string& name, const binfmt::Bytes& content) const {
    const std::string path = path_ + "/" + name;
    const binfmt::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700));
    if (!fd || ::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size()))
        throw std::runtime_error(fmt::format("cannot write {}: {}", binfmt::in_quotes(path), std::strerror(errno)));
    return path;
}

} // namespace binfmtctl
