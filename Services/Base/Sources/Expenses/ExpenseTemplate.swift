import Foundation
import Hummingbird
import KisumKernel

/// A budget template: the estimated lines a kind of show usually has, each a built-in category (once per
/// template, so `amounts` can name a line by its category) with a description.
public struct ExpenseTemplate: ResponseEncodable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var index: Int
        public var category: String
        public var description: String
    }

    public var id: String
    public var name: String
    public var description: String
    public var lines: [Line]
}

public struct ExpenseTemplateList: ResponseEncodable, Sendable, Equatable {
    public var items: [ExpenseTemplate]
}

public enum ExpenseTemplates {
    static func template(_ id: String, _ name: String, _ description: String, _ lines: [(String, String)]) -> ExpenseTemplate {
        ExpenseTemplate(id: id, name: name, description: description,
                        lines: lines.enumerated().map { ExpenseTemplate.Line(index: $0.offset, category: $0.element.0, description: $0.element.1) })
    }

    /// Built in (Swift, the same everywhere). Every category is a built-in one and appears once per template.
    public static let all: [ExpenseTemplate] = [
        template("club_show", "Club show", "A headline show in a club of a few hundred: hire, PA and lights in house, a small crew.", [
            ("artist_fee", "Artist guarantee"), ("venue_hire", "Room hire"), ("sound", "Sound engineer and PA top-up"),
            ("lighting", "Lighting operator"), ("backline", "Backline hire"), ("staff", "Door, box office and stage hands"),
            ("security", "Security staff"), ("marketing", "Posters, social ads and listings"), ("ticketing_fees", "Ticketing fees"),
            ("hospitality", "Rider and green room"), ("other", "Contingency"),
        ]),
        template("theatre", "Theatre", "A seated theatre show: hire with house crew, licences and a front-of-house team.", [
            ("artist_fee", "Artist guarantee"), ("venue_hire", "Theatre hire and house crew"), ("production", "Production manager"),
            ("sound", "Sound system and engineer"), ("lighting", "Lighting design and operator"), ("staff", "Front of house and ushers"),
            ("security", "Security"), ("marketing", "Print, radio and online campaign"), ("ticketing_fees", "Ticketing fees"),
            ("licensing", "Performing rights licence"), ("insurance", "Public liability insurance"),
            ("hospitality", "Rider and dressing rooms"), ("other", "Contingency"),
        ]),
        template("festival_slot", "Festival slot", "An artist's slot on someone else's festival: the festival pays production.", [
            ("artist_fee", "Artist fee"), ("travel", "Flights and ground transport"), ("accommodation", "Hotel rooms"),
            ("backline", "Backline and instrument hire"), ("staff", "Touring crew per diems"), ("hospitality", "Catering on site"),
            ("insurance", "Travel and equipment insurance"), ("other", "Contingency"),
        ]),
        template("arena", "Arena show", "An arena production: hire, full production, a large crew and a national campaign.", [
            ("artist_fee", "Artist guarantee"), ("venue_hire", "Arena hire"), ("production", "Production management"),
            ("staging", "Stage, rigging and set"), ("sound", "PA system and crew"), ("lighting", "Lighting rig and crew"),
            ("equipment_rental", "Video screens and power"), ("backline", "Backline"), ("staff", "Stewards, runners and loaders"),
            ("security", "Security and barriers"), ("medical", "Medical cover"), ("cleaning", "Cleaning and waste"),
            ("marketing", "National campaign"), ("ticketing_fees", "Ticketing fees"), ("travel", "Artist and crew travel"),
            ("transport", "Trucking"), ("accommodation", "Hotels"), ("catering", "Crew catering"),
            ("hospitality", "Artist rider and hospitality"), ("insurance", "Event insurance"),
            ("licensing", "Performing rights licence"), ("permits", "Local authority permits"), ("other", "Contingency"),
        ]),
    ]

    public static func named(_ id: String) -> ExpenseTemplate? { all.first { $0.id == id } }
}

/// `POST /api/event-expense/event/{eventId}/from-template`: either a template (`templateId`, with an optional
/// `currency`, `dueDate` and `amounts` by line index or category) or another event's lines (`sourceEventId`, with
/// an optional `dueDate`). Template lines are estimated lines of 0 unless `amounts` names them.
struct FromTemplateInput: Decodable, Sendable, ValidatableBody {
    var templateId: String?
    var sourceEventId: UUID?
    var currency: String?
    var dueDate: String?
    var amounts: [String: Int64]?

    static let maxAmounts = 100

    func validate(_ v: inout Validator) {
        switch (templateId, sourceEventId) {
        case (nil, nil):
            v.add("templateId", "required", "Send a templateId, or a sourceEventId to copy another event's lines.")
        case (_?, _?):
            v.add("sourceEventId", "not_allowed", "Send a templateId or a sourceEventId, not both.")
        case (let id?, nil):
            if let template = ExpenseTemplates.named(id) {
                validateAmounts(template, &v)
            } else {
                v.add("templateId", "not_found", "Templates: \(ExpenseTemplates.all.map(\.id).joined(separator: ", ")).")
            }
        case (nil, _?):
            if currency != nil { v.add("currency", "not_allowed", "Copied lines keep their own currency.") }
            if amounts != nil { v.add("amounts", "not_allowed", "Copied lines keep their own amounts.") }
        }
        v.currency(currency, "currency")
        ExpenseRules.day(dueDate, "dueDate", &v)
    }

    func validateAmounts(_ template: ExpenseTemplate, _ v: inout Validator) {
        guard let amounts else { return }
        guard amounts.count <= Self.maxAmounts else { return v.add("amounts", "too_many", "At most \(Self.maxAmounts) amounts.") }
        var named = Set<Int>()
        for (key, amount) in amounts.sorted(by: { $0.key < $1.key }) {
            let field = "amounts.\(key.prefix(50))"
            guard let index = Self.lineIndex(key, in: template) else {
                v.add(field, "not_found", "Name a line by its index (0 to \(template.lines.count - 1)) or its category.")
                continue
            }
            if !named.insert(index).inserted { v.add(field, "duplicate", "Line \(index) is named twice (by index and by category).") }
            v.minorAmount(amount, field)
        }
    }

    /// The line a key names: its index ("0") or its category ("venue_hire").
    static func lineIndex(_ key: String, in template: ExpenseTemplate) -> Int? {
        if key.count <= 3, key.allSatisfy({ $0.isASCII && $0.isNumber }), let index = Int(key), template.lines.indices.contains(index) { return index }
        return template.lines.first { $0.category == key }?.index
    }

    /// Each template line's amount: as `amounts` names it, else 0.
    func lineAmounts(_ template: ExpenseTemplate) -> [Int64] {
        var result = Array(repeating: Int64(0), count: template.lines.count)
        for (key, amount) in amounts ?? [:] {
            if let index = Self.lineIndex(key, in: template), result.indices.contains(index) { result[index] = amount }
        }
        return result
    }
}
