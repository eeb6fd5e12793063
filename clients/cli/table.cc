#include "clients/cli/table.h"

#include <algorithm>
#include <utility>

#include "clients/cli/display_width.h"

namespace meetings::cli {
namespace {

std::string OneLine(std::string cell) {
  for (char& c : cell) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  return cell;
}

}  // namespace

Table::Table(std::vector<std::string> header) : header_(std::move(header)) {
  for (auto& cell : header_) cell = OneLine(std::move(cell));
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(header_.size());
  for (auto& cell : cells) cell = OneLine(std::move(cell));
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<int> widths(header_.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);

  std::string out;
  auto render = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 == row.size()) break;
      out.append(static_cast<size_t>(widths[i] - DisplayWidth(row[i]) + 2), ' ');
    }
    // Trailing empty cells would leave blanks at the end of the line.
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  render(header_);
  for (const auto& row : rows_) render(row);
  return out;
}

}  // namespace meetings::cli
