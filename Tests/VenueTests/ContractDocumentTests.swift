import Foundation
import KisumKernel
import KisumTesting
import Testing
@testable import Venue

/// Contract documents are rendered by the shared KisumPdf target (issue 9: it "replaces Venue's hand-written
/// WinAnsi writer: names in any script … render and come back out of `pdftotext`"), so these tests read the
/// document's text the way a reader extracts it.
@Suite("Contract document")
struct ContractDocumentTests {
    @Test func currencyFormatting() {
        #expect(Currency.format(minor: 150_000, currency: "EUR") == "1,500.00 EUR")
        #expect(Currency.format(minor: 5, currency: "USD") == "0.05 USD")
        #expect(Currency.format(minor: 1_234_567_890, currency: "GBP") == "12,345,678.90 GBP")
        #expect(Currency.format(minor: 300_000, currency: "JPY") == "300,000 JPY")
        #expect(Currency.format(minor: 1_500, currency: "KWD") == "1.500 KWD")
        #expect(Currency.format(minor: 0, currency: "EUR") == "0.00 EUR")
        #expect(Currency.isValid("EUR") && !Currency.isValid("XYZ"))
    }

    static func renderData(title: String, venue: String, signers: [(String, String)]) -> ContractRenderData {
        let now = Date()
        let contract = Contract(
            id: UUID(), companyId: UUID(), bookingId: UUID(), dealId: UUID(), title: title, status: "draft",
            templateKey: "performance", variables: ["rider": "Hospitality rider v2", "stageTime": 75], notes: "internal only",
            expiresAt: nil, document: nil, signature: nil,
            signers: signers.enumerated().map { index, signer in
                ContractSigner(id: UUID(), name: signer.0, email: "signer\(index)@example.com", role: signer.1, signingOrder: index + 1,
                               status: "pending")
            },
            sentAt: nil, signedAt: nil, declinedAt: nil, voidedAt: nil, createdBy: nil, createdAt: now, updatedAt: now)
        let deal = Deal(id: UUID(), companyId: contract.companyId, bookingId: contract.bookingId, name: "Headline", dealType: "versus",
                        status: "accepted", currency: "EUR", guaranteeMinor: 150_000, rentalFeeMinor: nil, depositMinor: 50_000,
                        expensesMinor: nil, percentage: 80, terms: ["payment": "on the night"], notes: nil, createdBy: nil,
                        statusChangedAt: now, createdAt: now, updatedAt: now)
        return ContractRenderData(
            contract: contract,
            venue: .init(name: venue, addressLine1: "Weteringschans 6-8", addressLine2: nil, postalCode: "1017 SG", city: "Amsterdam",
                         region: nil, country: "Netherlands", timezone: "Europe/Amsterdam", contactEmail: "office@paradiso.nl", contactPhone: nil),
            booking: .init(title: "Album release", status: "confirmed", startAt: RFC3339.date(from: "2030-06-01T18:00:00Z") ?? now,
                           endAt: RFC3339.date(from: "2030-06-01T22:00:00Z") ?? now, spaceNames: ["Main hall", "Upstairs"]),
            deal: deal)
    }

    @Test func contractDocumentShowsVenueBookingAndDeal() async throws {
        let data = Self.renderData(title: "Paradiso x The Band", venue: "Paradiso",
                                   signers: [("Ann Promoter", "signer"), ("Ben Booker", "cc")])
        let pdf = try await ContractDocument.render(data, generatedAt: Date())
        let text = PdfText.flattened(try await PdfText.extract(pdf))
        for expected in ["Paradiso x The Band", "Paradiso", "Performance agreement", "1,500.00 EUR", "500.00 EUR", "80% of net receipts",
                         "2030-06-01 20:00 (Europe/Amsterdam)", "Main hall, Upstairs", "Hospitality rider v2", "75", "Ann Promoter",
                         "on the night", "Page 1 of"] {
            #expect(text.contains(expected), "missing \(expected) in:\n\(text)")
        }
        #expect(text.contains("The act receives 1,500.00 EUR or 80% of net receipts, whichever is greater."))
        #expect(!text.contains("internal only"), "contract notes are internal")
        #expect(text.contains("Copies to: Ben Booker"), "cc recipients are listed as copies")
        #expect(!text.contains("Signer - signer1@example.com"), "cc recipients do not sign")
        #expect(ContractDocument.fileName(data.contract) == "paradiso-x-the-band.pdf")
    }

    /// The WinAnsi writer printed "?" for these; KisumPdf prints them as written.
    @Test func namesInAnyScriptArePrinted() async throws {
        let names = ["Sigur Rós", "坂本龍一", "Мумий Тролль", "فيروز"]
        let data = Self.renderData(title: "Harpa – Sigur Rós", venue: "Зал Мумий Тролль",
                                   signers: names.map { ($0, "signer") })
        let text = PdfText.flattened(try await PdfText.extract(try await ContractDocument.render(data, generatedAt: Date())))
        for expected in names + ["Harpa – Sigur Rós", "Зал Мумий Тролль"] {
            #expect(text.contains(expected), "missing \(expected) in:\n\(text)")
        }
    }
}
