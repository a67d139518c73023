#include "atomic_file.hpp"

#include "escape.hpp"
#include "paths.hpp"
#include "unique_fd.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace binfmtd {

namespace {
using binfmt::kNameMax;
constexpr std::string_view kTempSuffix = ".XXXXXX"; // mkostemp's template
// ".NAME.XXXXXX" is 8 bytes longer than NAME: NAME is cut to this so that a file name that is
// itself valid never makes the temporary one too long (ENAMETOOLONG).
constexpr std::size_t kTempRoom = kNameMax - 1 - kTempSuffix.size();
} // namespace

std::string temporary_name(const std::string& filename) {
    return "." + filename.substr(0, kTempRoom) + std::string(kTempSuffix);
}

bool is_temporary_name(std::string_view name, std::string_view target_suffix) {
    // ".X.abcdef" where X ends with target_suffix, or is a name cut to fit (temporary_name).
    if (name.size() < 1 + kTempSuffix.size() + 1 || name[0] != '.') return false;
    const std::size_t dot = name.size() - kTempSuffix.size();
    if (name[dot] != '.') return false;
    for (char c : name.substr(dot + 1))
        if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    const std::string_view target = name.substr(1, dot - 1);
    return target.ends_with(target_suffix) || target.size() == kTempRoom;
}

std::vector<std::string> remove_temporaries(const std::string& dir, std::string_view target_suffix,
                                            const std::function<bool(const std::string& path)>& ours) {
    std::vector<std::string> removed;
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string path = it->path().string();
        std::error_code type_ec;
        if (!is_temporary_name(it->path().filename().string(), target_suffix) || !it->is_regular_file(type_ec) ||
            !ours(path))
            continue;
        if (::unlink(path.c_str()) == 0) removed.push_back(path);
    }
    return removed;
}

Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode) {
    const auto failed = [&](int err) {
        return Failure{binfmt::ApiErrorCode::ReadOnly,
                       fmt::format("cannot write {}: {}", binfmt::in_quotes(path), std::strerror(err)), err};
    };
    const fs::path target = path;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return failed(ec.value());

    std::string tmp = (target.parent_path() / temporary_name(target.filename().string())).string();
    binfmt::UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
    if (!fd) return failed(errno);
    int err = 0;
    std::size_t done = 0;
    while (!err && done < content.size()) {
        ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0 && errno != EINTR) err = errno;
        else if (n > 0) done += static_cast<std::size_t>(n);
    }
    if (!err && ::fchmod(fd.get(), mode) != 0) err = errno;
    if (!err && ::fsync(fd.get()) != 0) err = errno;
    if (::close(fd.release()) != 0 && !err) err = errno; // close's error is the write's last word
    if (!err && ::rename(tmp.c_str(), path.c_str()) != 0) err = errno;
    if (err) {
        ::unlink(tmp.c_str());
        return failed(err);
    }
    fsync_dir(target.parent_path().string());
    return {};
}

void fsync_dir(const std::string& dir) {
    if (binfmt::UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)); fd) ::fsync(fd.get());
}

} // namespace binfmtd
