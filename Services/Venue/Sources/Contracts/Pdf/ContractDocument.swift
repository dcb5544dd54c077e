import Foundation
import KisumKernel
import KisumPdf

/// Lays a contract out as a PDF: parties, the booking, the commercial terms of the deal, the
/// contract's own variables, the template's standard terms and a signature block per signer. Rendered by
/// KisumPdf (pango and cairo with the Noto fonts), so names in any script print as they are written.
enum ContractDocument {
    static let contentType = PdfDocument.contentType

    static func render(_ data: ContractRenderData, generatedAt: Date) async throws -> [UInt8] {
        try await document(data, generatedAt: generatedAt).render()
    }

    static func document(_ data: ContractRenderData, generatedAt: Date) -> PdfDocument {
        let contract = data.contract
        let zone = data.venue?.timezone.flatMap(TimeZone.init(identifier:)) ?? TimeZone.gmt
        var pdf = PdfDocument(title: contract.title, subject: templateTitle(contract.templateKey), author: data.venue?.name,
                              footer: contract.title, createdAt: generatedAt)

        pdf.title(contract.title)
        pdf.paragraph(templateTitle(contract.templateKey), style: .section, spaceAfter: 2)
        pdf.paragraph("Contract \(contract.id.uuidString.lowercased()) - generated \(format(generatedAt, zone))", style: .small, spaceAfter: 6)

        pdf.section("Venue")
        if let venue = data.venue {
            pdf.field("Venue", venue.name)
            let street = [venue.addressLine1, venue.addressLine2].compactMap { $0 }.joined(separator: ", ")
            if !street.isEmpty { pdf.field("Address", street) }
            let place = [venue.postalCode, venue.city, venue.region, venue.country].compactMap { $0 }.joined(separator: " ")
            if !place.isEmpty { pdf.field("Location", place) }
            let contact = [venue.contactEmail, venue.contactPhone].compactMap { $0 }.joined(separator: ", ")
            if !contact.isEmpty { pdf.field("Contact", contact) }
        }

        if let booking = data.booking {
            pdf.section("Booking")
            if let title = booking.title { pdf.field("Booking", title) }
            pdf.field("From", format(booking.startAt, zone))
            pdf.field("Until", format(booking.endAt, zone))
            if !booking.spaceNames.isEmpty { pdf.field("Spaces", booking.spaceNames.joined(separator: ", ")) }
            pdf.field("Booking status", booking.status)
        }

        if let deal = data.deal {
            pdf.section("Commercial terms")
            if let name = deal.name { pdf.field("Deal", name) }
            pdf.field("Deal type", dealTypeTitle(deal.dealType))
            pdf.field("Currency", deal.currency)
            let amounts: [(String, Int64?)] = [("Guarantee", deal.guaranteeMinor), ("Rental fee", deal.rentalFeeMinor),
                                               ("Deposit", deal.depositMinor), ("Expenses", deal.expensesMinor)]
            for (label, amount) in amounts {
                if let amount { pdf.field(label, Currency.format(minor: amount, currency: deal.currency)) }
            }
            if let percentage = deal.percentage { pdf.field("Percentage", percent(percentage) + " " + percentageBasis(deal.dealType)) }
            for (key, value) in (deal.terms.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                pdf.field(key, text(value))
            }
            pdf.paragraph(dealExplanation(deal), style: PdfTextStyle(size: 9), spaceAfter: 2)
        }

        let variables = (contract.variables.objectValue ?? [:]).sorted { $0.key < $1.key }
        if !variables.isEmpty {
            pdf.section("Particulars")
            for (key, value) in variables { pdf.field(key, text(value)) }
        }

        pdf.section("Terms")
        for (index, clause) in clauses(contract.templateKey).enumerated() {
            pdf.paragraph("\(index + 1). \(clause)", style: PdfTextStyle(size: 9.5))
        }

        let signing = contract.signers.filter { $0.role != "cc" }
        if !signing.isEmpty {
            pdf.section("Signatures")
            for signer in signing {
                pdf.signature(name: signer.name, detail: "\(signer.role == "approver" ? "Approver" : "Signer") - \(signer.email)")
            }
        }
        let copies = contract.signers.filter { $0.role == "cc" }
        if !copies.isEmpty {
            pdf.paragraph("Copies to: " + copies.map { "\($0.name) <\($0.email)>" }.joined(separator: ", "), style: PdfTextStyle(size: 8))
        }
        return pdf
    }

    /// The file name offered on download and to the signature provider.
    static func fileName(_ contract: Contract) -> String {
        let slug = contract.title.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            .split(separator: "-").joined(separator: "-")
        let ascii = slug.unicodeScalars.filter(\.isASCII).map(String.init).joined()
        return (ascii.isEmpty ? "contract" : String(ascii.prefix(80))) + ".pdf"
    }

    // MARK: Wording

    static func templateTitle(_ key: String) -> String {
        key == "performance" ? "Performance agreement" : "Venue rental agreement"
    }

    static func dealTypeTitle(_ type: String) -> String {
        switch type {
        case "flat_guarantee": return "Flat guarantee"
        case "door_split": return "Door split"
        case "versus": return "Guarantee versus percentage"
        case "guarantee_plus": return "Guarantee plus percentage"
        case "rental": return "Venue rental"
        default: return "Other"
        }
    }

    static func percentageBasis(_ type: String) -> String {
        type == "door_split" ? "of door receipts" : "of net receipts"
    }

    /// One sentence saying what the numbers mean together, so the document reads without a glossary.
    static func dealExplanation(_ deal: Deal) -> String {
        let guarantee = deal.guaranteeMinor.map { Currency.format(minor: $0, currency: deal.currency) } ?? "the guarantee"
        let share = deal.percentage.map(percent) ?? "the agreed percentage"
        switch deal.dealType {
        case "flat_guarantee": return "The act receives a fixed fee of \(guarantee)."
        case "door_split": return "The act receives \(share) of door receipts."
        case "versus": return "The act receives \(guarantee) or \(share) of net receipts, whichever is greater."
        case "guarantee_plus": return "The act receives \(guarantee) plus \(share) of net receipts after costs."
        case "rental":
            let fee = deal.rentalFeeMinor.map { Currency.format(minor: $0, currency: deal.currency) } ?? "the rental fee"
            return "The hirer pays the venue a rental fee of \(fee)."
        default: return "Terms as listed above."
        }
    }

    static func clauses(_ template: String) -> [String] {
        var clauses = [
            "All amounts are in the currency shown and are payable as set out in these terms.",
            "Any deposit shown is due before the booking date and is set against the amounts payable.",
            "Either party may cancel in writing; deposits paid are handled as agreed in the particulars above.",
        ]
        if template == "performance" {
            clauses.insert("The act performs at the venue on the booking dates shown; the venue provides the spaces and their technical facilities.", at: 0)
        } else {
            clauses.insert("The venue grants the hirer the use of the spaces listed for the booking dates shown.", at: 0)
        }
        return clauses
    }

    // MARK: Formatting

    static func format(_ date: Date, _ zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { pad(value ?? 0, 2) }
        return "\(pad(c.year ?? 1970, 4))-\(two(c.month))-\(two(c.day)) \(two(c.hour)):\(two(c.minute)) (\(zone.identifier))"
    }

    static func percent(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return hundredths % 100 == 0 ? "\(hundredths / 100)%" : "\(hundredths / 100).\(pad(hundredths % 100, 2))%"
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number):
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .null: return "-"
        default:
            return (try? String(decoding: JSONCoding.encoder.encode(value), as: UTF8.self)) ?? ""
        }
    }

    /// Zero-padded decimal.
    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
