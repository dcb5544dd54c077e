import Foundation

extension String {
    /// True when the whole text matches `pattern` (ICU syntax). Not `range(of:options: .regularExpression)`
    /// alone: its `$` also matches before a final line break, so "XK\n" would pass `^[A-Z]{2}$`, which the
    /// contracts' (ECMA) patterns refuse.
    func fullyMatches(_ pattern: String) -> Bool {
        guard let range = range(of: pattern, options: .regularExpression) else { return false }
        return range == startIndex..<endIndex
    }
}
