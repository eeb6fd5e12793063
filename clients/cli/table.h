// Plain-text tables for terminals: left-aligned columns padded by display
// width (see display_width.h), so Vietnamese and CJK text line up.
#ifndef MEETINGS_CLIENTS_CLI_TABLE_H_
#define MEETINGS_CLIENTS_CLI_TABLE_H_

#include <string>
#include <vector>

namespace meetings::cli {

// Not thread-safe.
class Table {
 public:
  // `header` fixes the number of columns.
  explicit Table(std::vector<std::string> header);

  // Adds a row; missing cells are empty, extra cells are dropped. Control
  // characters (newlines, tabs) in cells become spaces so a row stays one
  // line.
  void AddRow(std::vector<std::string> cells);

  size_t rows() const { return rows_.size(); }

  // The header and the rows, one line each ending in '\n'. Columns are
  // separated by two spaces; every column but the last is padded to its
  // widest cell's display width; the last is not padded (no trailing
  // blanks).
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace meetings::cli

#endif  // MEETINGS_CLIENTS_CLI_TABLE_H_
