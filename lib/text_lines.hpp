// Reading a text one line at a time, with its line numbers: every line-based source format
// (binfmt.d files, binfmt-support records, binfmtd's sources file) walks its text so.
#pragma once

#include <cstddef>
#include <string_view>

namespace binfmt {

class TextLines {
public:
    explicit TextLines(std::string_view text) : text_(text) {}

    // The next line, without its '\n' (a last line without one too); false at the end.
    bool next(std::string_view& line) {
        if (pos_ >= text_.size()) return false;
        std::size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        line = text_.substr(pos_, end - pos_);
        pos_ = end + 1;
        ++number_;
        return true;
    }
    // The number of the line next() gave last, from 1.
    int number() const { return number_; }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    int number_ = 0;
};

} // namespace binfmt
