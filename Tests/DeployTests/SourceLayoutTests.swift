import Foundation
import Testing

/// Issue 17: the shape every service keeps, checked so it cannot drift.
@Suite("Source layout")
struct SourceLayoutTests {
    static let services = ["Base", "Finance", "PlatformCore", "Promoter", "Venue"]
    static let sql = try! NSRegularExpression(pattern: #"\b(SELECT\s|INSERT INTO\s|UPDATE\s+[a-z_]+\s+SET\b|DELETE FROM\s|WITH\s+[a-z_]+\s+AS\s*\()"#)

    /// SQL lives in `*Repository.swift` files, or in a file its service's NOTES.md names in its
    /// "Files holding SQL" section with the reason.
    @Test func sqlLivesInRepositories() throws {
        for service in Self.services {
            let allowed = try Self.filesHoldingSQL(notes: "Services/\(service)/NOTES.md")
            for file in Repo.files(under: "Services/\(service)/Sources", suffix: ".swift") where !file.hasSuffix("Repository.swift") {
                let code = try Repo.text(file).split(separator: "\n")
                    .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }
                    .joined(separator: "\n")
                let holdsSQL = Self.sql.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil
                let relative = String(file.dropFirst("Services/\(service)/".count))
                #expect(!holdsSQL || allowed.contains(relative),
                        "\(file) holds SQL: move it into a *Repository.swift file (or name it in NOTES.md's \"Files holding SQL\")")
            }
        }
    }

    /// Small files that say what they are: none over 16 KB.
    @Test func noSourceFileIsOver16KB() throws {
        for file in Repo.files(under: "Services", suffix: ".swift") + Repo.files(under: "Shared", suffix: ".swift") {
            let size = (try FileManager.default.attributesOfItem(atPath: Repo.path(file))[.size] as? Int) ?? 0
            #expect(size <= 16 * 1024, "\(file) is \(size) bytes; split it by what its parts do")
        }
    }

    /// The backticked `Sources/…` paths listed under "## Files holding SQL" in a NOTES.md.
    static func filesHoldingSQL(notes: String) throws -> Set<String> {
        guard Repo.exists(notes) else { return [] }
        let text = try Repo.text(notes)
        guard let start = text.range(of: "## Files holding SQL") else { return [] }
        let section = text[start.upperBound...]
        let body = section.range(of: "\n## ").map { section[..<$0.lowerBound] } ?? section
        let pattern = try NSRegularExpression(pattern: "`(Sources/[^`]+\\.swift)`")
        let string = String(body)
        return Set(pattern.matches(in: string, range: NSRange(string.startIndex..., in: string)).compactMap {
            Range($0.range(at: 1), in: string).map { String(string[$0]) }
        })
    }
}
