import Foundation

/// Columns padded to their widest cell, two spaces apart, a bold header; the tables of list, trace,
/// session and `stats --by`.
struct TextTable {
    var header: [String]
    var rows: [[String]]
    /// Columns whose cells are padded on the left (numbers).
    var rightAligned: Set<Int> = []
    /// The column holding OK/ERROR, coloured.
    var statusColumn: Int?
    /// Before every line (a table inside a section).
    var indent = ""
    /// A header in dim rather than bold (a table under a section's bold title).
    var dimHeader = false

    func render(style: TerminalStyle) -> [String] {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String], isHeader: Bool) -> String {
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                var text = rightAligned.contains(column) ? padding + cell : cell + padding
                if !isHeader, column == statusColumn { text = cell == "ERROR" ? style.red(text) : style.green(text) }
                return text
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let head = indent + line(header, isHeader: true)
        return [dimHeader ? style.dim(head) : style.bold(head)] + rows.map { indent + line($0, isHeader: false) }
    }
}
