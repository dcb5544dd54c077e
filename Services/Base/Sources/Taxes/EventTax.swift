import Foundation
import Hummingbird
import KisumKernel

/// A tax line of an event (issue 10, "Tax"): VAT or sales tax on the event's income (all of it or one category),
/// or withholding on its artists' fees, at a rate in basis points, on amounts that include it or not.
public struct EventTax: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var eventId: UUID
    public var kind: String
    public var name: String
    public var rateBp: Int
    public var inclusive: Bool
    public var appliesTo: String
    public var incomeCategory: String?
    public var notes: String?
    public var version: Int
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date
}

enum TaxValues {
    static let kinds = ["vat", "sales_tax", "withholding", "other"]
    static let scopes = ["income", "income_category", "artist_fees"]
}

/// `POST /api/event-tax` and `PUT /api/event-tax/{id}` (a full replacement; `eventId` may be left out on PUT and
/// naming another event there is 422 `immutable`). The cross-field rules 0017 also checks are 422s here:
/// withholding is levied on artist fees only, and `incomeCategory` is given exactly when `appliesTo` is
/// `income_category`.
struct TaxInput: Decodable, Sendable, ValidatableBody {
    var eventId: UUID?
    var kind: String?
    var name: String?
    var rateBp: Int?
    var inclusive: Bool?
    var appliesTo: String?
    var incomeCategory: String?
    var notes: String?
    var version: Int?

    func validate(_ v: inout Validator) { validate(&v, eventRequired: true) }

    func validate(_ v: inout Validator, eventRequired: Bool) {
        if eventRequired, eventId == nil { v.add("eventId", "required", "This field is required.") }
        v.oneOf(kind, "kind", TaxValues.kinds, required: true)
        v.text(name, "name", maxLength: 100)
        if rateBp == nil { v.add("rateBp", "required", "This field is required.") }
        v.range(rateBp, "rateBp", 0...10_000)
        if inclusive == nil { v.add("inclusive", "required", "This field is required.") }
        v.oneOf(appliesTo, "appliesTo", TaxValues.scopes, required: true)
        if kind == "withholding", let appliesTo, appliesTo != "artist_fees" {
            v.add("appliesTo", "withholding_on_fees_only", "Withholding is levied on artist fees only (appliesTo artist_fees).")
        }
        switch (appliesTo, incomeCategory) {
        case ("income_category", nil):
            v.add("incomeCategory", "required", "Name the income category the tax applies to.")
        case ("income_category", let category?):
            IncomeCategories.check(category, "incomeCategory", required: true, &v)
        case (_, .some):
            v.add("incomeCategory", "not_applicable", "Only a tax with appliesTo income_category names a category.")
        default:
            break
        }
        v.text(notes, "notes", required: false, maxLength: 2000)
    }

    var trimmedName: String { name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
}

struct TaxFilter: Sendable {
    var eventID: UUID?
    var kind: String?
    var appliesTo: String?
}

/// `GET /api/event-tax/event/{eventId}`: the event's tax lines and what they come to, in its reporting currency.
///
/// For each line, `baseMinor` is what it is levied on, converted into the reporting currency (`events.currency`)
/// by `exchange_rate_on` / `convert_minor`: income lines at the rate of their expected date (all of them, or one
/// category's), artist fees as the guarantees of the event's accepted and converted offers at the rate of the
/// event's date. Then, in SQL numeric, rounded half up (half away from zero; amounts are never negative):
/// - inclusive: tax = base × rate / (10000 + rate); gross = base, net = base − tax;
/// - exclusive: tax = base × rate / 10000; gross = base + tax, net = base — except withholding, which is kept back
///   from the fee: gross = base, net = base − tax.
/// `totals` is the event's income: gross = the income (converted) plus the exclusive taxes on it, tax = every tax
/// on income, net = gross − tax. `artistFees` is the same for the fees. `conversions` lists every amount that went
/// into a base with the rate it used.
public struct EventTaxSheet: ResponseEncodable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var taxId: UUID
        public var name: String
        public var kind: String
        public var rateBp: Int
        public var inclusive: Bool
        public var appliesTo: String
        public var incomeCategory: String?
        public var baseMinor: Int64
        public var taxMinor: Int64
        public var grossMinor: Int64
        public var netMinor: Int64
    }

    public struct Totals: Codable, Sendable, Equatable {
        /// The income (or fees) in scope of no tax at all still counts here: this is the whole of the event's.
        public var baseMinor: Int64
        public var grossMinor: Int64
        public var taxMinor: Int64
        public var netMinor: Int64
    }

    public struct Conversion: Codable, Sendable, Equatable {
        /// `income` (an income line) or `offer` (an accepted or converted offer's guarantee).
        public var sourceType: String
        public var sourceId: UUID
        public var currency: String
        public var day: String
        public var amountMinor: Int64
        public var convertedMinor: Int64
        public var rate: String
        public var rateDate: String
        public var source: String
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var currency: String
        public var lines: [Line]
        public var totals: Totals
        public var artistFees: Totals
        public var conversions: [Conversion]
    }

    public var eventId: UUID
    public var currency: String
    public var items: [EventTax]
    public var summary: Summary
}
