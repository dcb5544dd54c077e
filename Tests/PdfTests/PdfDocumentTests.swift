import Foundation
import KisumPdf
import KisumTesting
import Testing

/// Issue 9: "one shared PDF target built on a kept library (cairo + pango …, with fonts from Debian's fonts-noto
/// packages) …: names in any script (Sigur Rós, 坂本龍一, Мумий Тролль, فيروز) render and come back out of
/// `pdftotext`". Every assertion reads the document back the way a person would, through poppler.
@Suite("KisumPdf")
struct PdfDocumentTests {
    static let names = ["Sigur Rós", "坂本龍一", "Мумий Тролль", "فيروز"]

    @Test func namesInAnyScriptComeBackOutOfPdftotext() async throws {
        var document = PdfDocument(title: "Names", footer: "Names test")
        document.title("Artists in four scripts")
        for name in Self.names { document.field("Artist", name) }
        document.section("In running text")
        document.paragraph("Tonight: " + Self.names.joined(separator: ", ") + ".")
        let pdf = try await document.render()
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        let text = PdfText.flattened(try await PdfText.extract(pdf))
        for name in Self.names {
            #expect(text.contains(name), "\(name) is missing from:\n\(text)")
        }
        #expect(text.contains("Names test"), "the footer")
        #expect(text.contains("Page 1 of 1"))
    }

    @Test func aLongParagraphWrapsOntoASecondPage() async throws {
        var document = PdfDocument(title: "Long")
        document.title("Terms")
        let sentence = "The artist performs at the venue on the date shown and the promoter pays the fee as agreed. "
        document.paragraph(String(repeating: sentence, count: 80) + "The last sentence ends here.")
        let pdf = try await document.render()
        #expect(try await PdfText.pageCount(pdf) >= 2)
        let text = try await PdfText.extract(pdf)
        let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: true).map { PdfText.flattened(String($0)) }.filter { !$0.isEmpty }
        #expect(pages.count >= 2)
        #expect(pages.last?.contains("The last sentence ends here.") == true, "the paragraph flowed onto the last page")
        #expect(pages.first?.contains("The artist performs at the venue") == true)
        #expect(text.contains("Page 2 of \(pages.count)"))
        // Wrapped at the margin: no extracted line is longer than a line of the text width holds.
        let longest = text.split(separator: "\n").map(\.count).max() ?? 0
        #expect(longest < 140, "lines are wrapped (longest \(longest))")
    }

    @Test func tablesRepeatTheirHeaderAndKeepEveryRow() async throws {
        var document = PdfDocument(title: "Tiers")
        document.title("Ticket tiers")
        let rows = (1...90).map { ["Tier \($0)", "EUR \($0).00", "\($0 * 10)"] }
        document.table(PdfTable(columns: [.init("Name", weight: 2), .init("Price", alignment: .trailing), .init("Quantity", alignment: .trailing)],
                                rows: rows))
        let pdf = try await document.render()
        let text = try await PdfText.extract(pdf)
        let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: true)
        #expect(pages.count >= 2)
        #expect(pages.allSatisfy { $0.contains("Quantity") }, "the header row repeats on every page")
        for index in [1, 45, 90] { #expect(text.contains("Tier \(index)")) }
        #expect(text.contains("EUR 90.00"))
    }

    @Test func textIsPlainNeverMarkupAndPageBreaksStartPages() async throws {
        var document = PdfDocument(title: "Plain <b>", subject: "Subject", author: "Kisum tests", createdAt: Date(timeIntervalSince1970: 1_900_000_000))
        document.paragraph("Tom & Jerry <b>not bold</b> 100% \\ (paren")
        document.pageBreak()
        document.pageBreak()  // a second break on an empty page adds nothing
        document.signature(name: "Ann Promoter", detail: "Signer - ann@example.com")
        document.paragraph("")
        let pdf = try await document.render()
        let text = try await PdfText.extract(pdf)
        #expect(text.contains("Tom & Jerry <b>not bold</b> 100% \\ (paren"))
        #expect(try await PdfText.pageCount(pdf) == 2)
        #expect(text.contains("Ann Promoter"))
        #expect(text.contains("Signer - ann@example.com"))
    }

    /// One render queue, many callers: concurrent renders each get their own, complete document.
    @Test func concurrentRendersAreIndependent() async throws {
        let texts = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<8 {
                group.addTask {
                    var document = PdfDocument(title: "Doc \(index)")
                    document.paragraph("Document number \(index) " + Self.names[index % Self.names.count])
                    return (index, PdfText.flattened(try await PdfText.extract(try await document.render())))
                }
            }
            var result: [Int: String] = [:]
            for try await (index, text) in group { result[index] = text }
            return result
        }
        for index in 0..<8 {
            #expect(texts[index]?.contains("Document number \(index) \(Self.names[index % Self.names.count])") == true)
        }
    }

    @Test func blockingRenderMatchesTheAsyncOne() async throws {
        var document = PdfDocument(title: "Same", createdAt: Date(timeIntervalSince1970: 0))
        document.paragraph("Same text")
        let blocking = try document.renderBlocking()
        #expect(try await PdfText.extract(blocking).contains("Same text"))
    }
}
