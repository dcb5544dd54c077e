import Foundation
import KisumDeals
import KisumKernel
import KisumPdf

/// What an agreement or offer PDF is made from: the stored row as read by its repository, the deal and
/// scenario as their jsonb text (decoded here, so a number is never rounded through a Double).
struct DealDocumentSource: Sendable {
    var id: UUID
    var status: String
    var version: Int
    var artistName: String
    var companyName: String?
    /// `YYYY-MM-DD`.
    var eventDate: String
    var venueName: String?
    var city: String?
    var currency: String
    var dealJSON: String?
    var scenarioJSON: String?
    /// Agreements only.
    var title: String?
    /// Offers only.
    var eventName: String?
    var expiresOn: String?
    var potential: JSONValue?
}

/// Lays out agreement and offer documents with KisumPdf: the parties, the date and venue, the deal terms in
/// the deal engine's own sentences (`DealTerms.summaryLines()`), the ticket scenario and, for an offer, its
/// potential. Internal notes are never printed.
enum DealDocuments {
    static func agreement(_ source: DealDocumentSource, generatedAt: Date) -> PdfDocument {
        let title = source.title ?? "\(source.artistName) – \(source.eventDate)"
        var pdf = PdfDocument(title: title, subject: "Performance agreement", author: source.companyName,
                              footer: "\(title) – agreement", createdAt: generatedAt)
        pdf.title("Performance agreement")
        pdf.paragraph(title, style: .section, spaceAfter: 2)
        pdf.paragraph("Agreement \(source.id.uuidString.lowercased()) – version \(source.version) – generated \(timestamp(generatedAt))",
                      style: .small, spaceAfter: 6)

        pdf.section("Parties")
        pdf.field("Promoter", source.companyName ?? "The promoter")
        pdf.field("Artist", source.artistName)

        pdf.section("Engagement")
        engagement(source, into: &pdf)
        pdf.field("Agreement status", source.status)

        deal(source, into: &pdf)
        scenario(source, into: &pdf)

        pdf.section("Terms")
        for (index, clause) in clauses.enumerated() {
            pdf.paragraph("\(index + 1). \(clause)", style: PdfTextStyle(size: 9.5))
        }

        pdf.section("Signatures")
        pdf.signature(name: source.companyName ?? "The promoter", detail: "For the promoter")
        pdf.signature(name: source.artistName, detail: "For the artist")
        return pdf
    }

    static func offer(_ source: DealDocumentSource, generatedAt: Date) -> PdfDocument {
        let title = "Offer: \(source.artistName) – \(source.eventDate)"
        var pdf = PdfDocument(title: title, subject: "Offer", author: source.companyName, footer: title, createdAt: generatedAt)
        pdf.title("Offer")
        pdf.paragraph("\(source.artistName) – \(source.eventDate)", style: .section, spaceAfter: 2)
        pdf.paragraph("Offer \(source.id.uuidString.lowercased()) – version \(source.version) – generated \(timestamp(generatedAt))",
                      style: .small, spaceAfter: 6)

        pdf.section("Offer")
        if let company = source.companyName { pdf.field("From", company) }
        pdf.field("Artist", source.artistName)
        engagement(source, into: &pdf)
        if let event = source.eventName { pdf.field("Event", event) }
        pdf.field("Offer status", source.status.replacingOccurrences(of: "_", with: " "))
        if let expires = source.expiresOn { pdf.field("Valid until", expires) }

        deal(source, into: &pdf)
        scenario(source, into: &pdf)
        let rows = potentialRows(source.potential ?? .null, currency: source.currency)
        if !rows.isEmpty {
            pdf.section("Potential")
            for (key, value) in rows { pdf.field(key, value, keyWidth: 190) }
        }
        return pdf
    }

    // MARK: Sections

    private static func engagement(_ source: DealDocumentSource, into pdf: inout PdfDocument) {
        pdf.field("Date", source.eventDate + (weekday(source.eventDate).map { " (\($0))" } ?? ""))
        pdf.field("Venue", source.venueName ?? "To be confirmed")
        if let city = source.city { pdf.field("City", city) }
        pdf.field("Currency", source.currency)
    }

    private static func deal(_ source: DealDocumentSource, into pdf: inout PdfDocument) {
        pdf.section("Deal")
        guard let text = source.dealJSON, let terms = try? JSONDecoder().decode(DealTerms.self, from: Data(text.utf8)) else {
            pdf.paragraph("The deal terms are not set.")
            return
        }
        for line in terms.summaryLines() { pdf.paragraph("• " + line) }
    }

    /// Ticket tiers as a table with each tier's gross at face value.
    private static func scenario(_ source: DealDocumentSource, into pdf: inout PdfDocument) {
        guard let text = source.scenarioJSON, let scenario = try? JSONDecoder().decode(Scenario.self, from: Data(text.utf8)) else { return }
        let tiers = scenario.tiers ?? []
        guard scenario.capacity != nil || !tiers.isEmpty else { return }
        pdf.section("Ticket scenario")
        if let capacity = scenario.capacity { pdf.field("Capacity", String(capacity)) }
        guard !tiers.isEmpty else { return }
        let money = { (amount: Int64?) in amount.map { CurrencyUnits.format($0, source.currency) } ?? "-" }
        var totalTickets = 0, totalGross: Int64? = 0
        var rows: [[String]] = []
        for tier in tiers.prefix(200) {
            let gross = tier.priceMinor.flatMap { price in tier.quantity.flatMap { multiply(price, $0) } }
            totalTickets = totalTickets.addingReportingOverflow(tier.quantity ?? 0).partialValue
            totalGross = totalGross.flatMap { total in gross.flatMap { add(total, $0) } }
            rows.append([tier.name ?? "-", money(tier.priceMinor), tier.quantity.map(String.init) ?? "-",
                         tier.comps.map(String.init) ?? "0", money(gross)])
        }
        rows.append(["Total", "", String(totalTickets), "", money(totalGross)])
        pdf.table(PdfTable(columns: [.init("Tier", weight: 2.2), .init("Price", weight: 1.3, alignment: .trailing),
                                     .init("Tickets", alignment: .trailing), .init("Comps", weight: 0.8, alignment: .trailing),
                                     .init("Gross", weight: 1.5, alignment: .trailing)], rows: rows))
    }

    /// An offer's `potential` (the deal engine's figures at the last save) as rows: scalars at the top level and
    /// one level down, keys in words; `…Minor` amounts in the offer's currency, `…BasisPoints` as percentages.
    static func potentialRows(_ value: JSONValue, currency: String) -> [(String, String)] {
        guard let object = value.objectValue else { return [] }
        var rows: [(String, String)] = []
        for (key, value) in object.sorted(by: { $0.key < $1.key }) {
            if let nested = value.objectValue {
                for (subKey, subValue) in nested.sorted(by: { $0.key < $1.key }) {
                    if let text = scalar(subValue, key: subKey, currency: currency) { rows.append((words(key) + ": " + words(subKey).lowercased(), text)) }
                }
            } else if let text = scalar(value, key: key, currency: currency) {
                rows.append((words(key), text))
            }
        }
        return Array(rows.prefix(60))
    }

    // MARK: Wording

    static let clauses = [
        "The artist performs at the venue on the date shown; the promoter provides the venue, its staff and its technical facilities.",
        "The promoter pays the artist as set out under Deal, in the currency shown, by the end of the night of the show unless agreed otherwise in writing.",
        "Ticket prices and capacity are as set out under Ticket scenario; comps count toward capacity and never toward receipts.",
        "Either party may cancel in writing; a cancellation by the promoter later than 30 days before the show leaves the guarantee payable.",
    ]

    private static func scalar(_ value: JSONValue, key: String, currency: String) -> String? {
        switch value {
        case .string(let text): return text.isEmpty ? nil : String(text.prefix(200))
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number):
            if key.hasSuffix("Minor"), let amount = Int64(exactly: number) { return CurrencyUnits.format(amount, currency) }
            if key.hasSuffix("BasisPoints"), let points = Int(exactly: number) { return CurrencyUnits.percent(basisPoints: points) }
            if let whole = Int64(exactly: number) { return String(whole) }
            return number.isFinite ? String(number) : nil
        default: return nil
        }
    }

    /// `breakEvenTickets` → "Break even tickets"; the unit suffixes `Minor` and `BasisPoints` are dropped.
    static func words(_ key: String) -> String {
        var base = key
        for suffix in ["Minor", "BasisPoints"] where base.hasSuffix(suffix) && base.count > suffix.count {
            base = String(base.dropLast(suffix.count))
        }
        var result = ""
        for character in base {
            if character.isUppercase, !result.isEmpty { result += " " + character.lowercased() } else { result.append(character) }
        }
        result = result.replacingOccurrences(of: "_", with: " ")
        return result.prefix(1).uppercased() + result.dropFirst()
    }

    private static func weekday(_ date: String) -> String? {
        guard CalendarDate.isValid(date) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone.gmt
        formatter.dateFormat = "yyyy-MM-dd"
        guard let day = formatter.date(from: date) else { return nil }
        formatter.dateFormat = "EEEE d MMMM yyyy"
        return formatter.string(from: day)
    }

    private static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
    }

    private static func multiply(_ a: Int64, _ b: Int) -> Int64? {
        let (value, overflow) = a.multipliedReportingOverflow(by: Int64(b))
        return overflow ? nil : value
    }

    private static func add(_ a: Int64, _ b: Int64) -> Int64? {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? nil : value
    }

    /// The scenario as stored (`{capacity, tiers: [TicketTier]}`), read leniently: a document shows what is there.
    private struct Scenario: Decodable {
        struct Tier: Decodable {
            var name: String?
            var priceMinor: Int64?
            var quantity: Int?
            var comps: Int?
        }

        var capacity: Int?
        var tiers: [Tier]?
    }
}
