import Foundation
import KisumKernel
import Testing
@testable import Venue

@Suite("PDF writer")
struct PdfWriterTests {
    let date = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func structureIsValidAndOffsetsPointAtObjects() throws {
        var layout = PdfLayout()
        layout.heading("Hello")
        layout.paragraph("A first paragraph.")
        let bytes = PdfWriter.write(pages: layout.finished(footer: "Test"), info: .init(title: "Test", creationDate: date))
        let pdf = MiniPdf(bytes)
        let offsets = try pdf.checkStructure()
        #expect(offsets.count == 7, "catalog, pages, two fonts, info, one page, one content stream")
        #expect(pdf.pageCount == 1)
        #expect(pdf.contains("/BaseFont /Helvetica "))
        #expect(pdf.contains("/BaseFont /Helvetica-Bold "))
        #expect(pdf.contains("(Hello) Tj"))
        #expect(pdf.contains("(Test - page 1 of 1) Tj"))
        #expect(pdf.contains("/CreationDate (D:20300317174640Z)"))
        // Every content stream's /Length is its exact byte count.
        for match in pdf.text.matches(of: /<< \/Length (\d+) >>\nstream\n/) {
            let length = Int(match.output.1)!
            let start = pdf.text.distance(from: pdf.text.startIndex, to: match.range.upperBound)
            #expect(String(decoding: bytes[(start + length)..<(start + length + 10)], as: UTF8.self) == "\nendstream")
        }
    }

    @Test func stringsAreEscaped() throws {
        #expect(PdfWriter.literal("a (b) c\\d") == #"(a \(b\) c\\d)"#)
        #expect(PdfWriter.literal("Café €5") == #"(Caf\351 \2005)"#)
        #expect(PdfWriter.literal("tab\tand\nnewline") == "(tab and newline)")
        #expect(PdfWriter.literal("日本") == "(??)", "characters outside WinAnsi become ?")
        var layout = PdfLayout()
        layout.paragraph("Unbalanced ) paren and \\ backslash (")
        let pdf = MiniPdf(PdfWriter.write(pages: layout.finished(footer: "x"), info: .init(title: "T (1)", creationDate: date)))
        try pdf.checkStructure()
        #expect(pdf.contains(#"(Unbalanced \) paren and \\ backslash \() Tj"#))
        #expect(pdf.contains(#"/Title (T \(1\))"#))
    }

    @Test func longTextFlowsOntoMorePages() throws {
        var layout = PdfLayout()
        let sentence = "The venue grants the hirer the use of the spaces listed for the booking dates shown. "
        for index in 0..<120 { layout.paragraph("\(index). " + String(repeating: sentence, count: 2)) }
        let pages = layout.finished(footer: "Long")
        #expect(pages.count >= 3)
        let pdf = MiniPdf(PdfWriter.write(pages: pages, info: .init(title: "Long", creationDate: date)))
        let offsets = try pdf.checkStructure()
        #expect(pdf.pageCount == pages.count)
        #expect(pdf.pageObjects == pages.count)
        #expect(offsets.count == 5 + 2 * pages.count)
        #expect(pdf.contains("(Long - page \(pages.count) of \(pages.count)) Tj"))
        // Nothing is drawn below the bottom margin except the footer, and no line runs past the right margin.
        for page in pages {
            for case .text(let x, let y, let font, let size, let text) in page.operations where y > PdfLayout.footerY {
                #expect(y >= PdfLayout.margin - 0.01)
                #expect(x + font.width(of: text, size: size) <= PdfWriter.pageWidth - PdfLayout.margin + 0.01, "\(text)")
            }
        }
    }

    @Test func wrapBreaksWordsLongerThanALine() {
        let lines = PdfLayout.wrap(String(repeating: "x", count: 400), font: .regular, size: 10, width: 200)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { PdfFont.regular.width(of: $0, size: 10) <= 200 })
        #expect(lines.joined() == String(repeating: "x", count: 400))
        #expect(PdfLayout.wrap("", font: .regular, size: 10, width: 100) == [""])
    }

    @Test func fontMetrics() {
        // Helvetica "Hi" = H 722 + i 222 units.
        #expect(abs(PdfFont.regular.width(of: "Hi", size: 10) - 9.44) < 0.001)
        #expect(PdfFont.bold.width(of: "Hi", size: 10) > PdfFont.regular.width(of: "Hi", size: 10))
    }

    @Test func currencyFormatting() {
        #expect(Currency.format(minor: 150_000, currency: "EUR") == "1,500.00 EUR")
        #expect(Currency.format(minor: 5, currency: "USD") == "0.05 USD")
        #expect(Currency.format(minor: 1_234_567_890, currency: "GBP") == "12,345,678.90 GBP")
        #expect(Currency.format(minor: 300_000, currency: "JPY") == "300,000 JPY")
        #expect(Currency.format(minor: 1_500, currency: "KWD") == "1.500 KWD")
        #expect(Currency.format(minor: 0, currency: "EUR") == "0.00 EUR")
        #expect(Currency.isValid("EUR") && !Currency.isValid("XYZ"))
    }

    @Test func contractDocumentShowsVenueBookingAndDeal() throws {
        let now = Date()
        let contract = Contract(
            id: UUID(), companyId: UUID(), bookingId: UUID(), dealId: UUID(), title: "Paradiso x The Band", status: "draft",
            templateKey: "performance", variables: ["rider": "Hospitality rider v2", "stageTime": 75], notes: "internal only",
            expiresAt: nil, document: nil, signature: nil,
            signers: [ContractSigner(id: UUID(), name: "Ann Promoter", email: "ann@example.com", role: "signer", signingOrder: 1, status: "pending"),
                      ContractSigner(id: UUID(), name: "Ben Booker", email: "ben@example.com", role: "cc", signingOrder: 2, status: "pending")],
            sentAt: nil, signedAt: nil, declinedAt: nil, voidedAt: nil, createdBy: nil, createdAt: now, updatedAt: now)
        let deal = Deal(id: UUID(), companyId: contract.companyId, bookingId: contract.bookingId, name: "Headline", dealType: "versus",
                        status: "accepted", currency: "EUR", guaranteeMinor: 150_000, rentalFeeMinor: nil, depositMinor: 50_000,
                        expensesMinor: nil, percentage: 80, terms: ["payment": "on the night"], notes: nil, createdBy: nil,
                        statusChangedAt: now, createdAt: now, updatedAt: now)
        let data = ContractRenderData(
            contract: contract,
            venue: .init(name: "Paradiso", addressLine1: "Weteringschans 6-8", addressLine2: nil, postalCode: "1017 SG", city: "Amsterdam",
                         region: nil, country: "Netherlands", timezone: "Europe/Amsterdam", contactEmail: "office@paradiso.nl", contactPhone: nil),
            booking: .init(title: "Album release", status: "confirmed", startAt: RFC3339.date(from: "2030-06-01T18:00:00Z")!,
                           endAt: RFC3339.date(from: "2030-06-01T22:00:00Z")!, spaceNames: ["Main hall", "Upstairs"]),
            deal: deal)
        let pdf = MiniPdf(ContractDocument.render(data, generatedAt: now))
        try pdf.checkStructure()
        for text in ["(Paradiso x The Band)", "(Paradiso)", "(Performance agreement)", "(1,500.00 EUR)", "(500.00 EUR)", "(80% of net receipts)",
                     "(2030-06-01 20:00 \\(Europe/Amsterdam\\))", "(Main hall, Upstairs)", "(Hospitality rider v2)", "(75)", "(Ann Promoter)",
                     "(on the night)"] {
            #expect(pdf.contains(text), "missing \(text)")
        }
        #expect(pdf.contains("The act receives 1,500.00 EUR or 80% of net receipts, whichever is greater."))
        #expect(!pdf.contains("internal only"), "contract notes are internal")
        #expect(!pdf.contains("(Ben Booker)"), "cc recipients do not sign")
        #expect(ContractDocument.fileName(contract) == "paradiso-x-the-band.pdf")
    }
}
