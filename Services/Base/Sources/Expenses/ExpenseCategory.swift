import Foundation
import Hummingbird
import KisumKernel

/// An expense category: one of the built-ins every company has (`id` null, `builtIn` true) or one of the
/// company's own (`expense_categories`). Lines and actual expenses name it by `code`.
public struct ExpenseCategory: ResponseEncodable, Sendable, Equatable {
    public var id: UUID?
    public var code: String
    public var name: String
    public var builtIn: Bool
    public var createdAt: Date?
}

/// The built-in categories (Swift, not rows: the same in every company and every installation), and the rules
/// every category code follows.
public enum ExpenseCategories {
    /// A code is what lines store: lower-case ASCII, digits and underscores, starting with a letter, ≤ 40.
    static let codePattern = "^[a-z][a-z0-9_]{0,39}$"

    /// What a live-music budget spends on, in the order a budget is usually read.
    public static let builtIn: [(code: String, name: String)] = [
        ("artist_fee", "Artist fee"),
        ("venue_hire", "Venue hire"),
        ("production", "Production"),
        ("sound", "Sound"),
        ("lighting", "Lighting"),
        ("backline", "Backline"),
        ("staging", "Staging"),
        ("equipment_rental", "Equipment rental"),
        ("staff", "Staff and crew"),
        ("security", "Security"),
        ("medical", "Medical and first aid"),
        ("cleaning", "Cleaning and waste"),
        ("marketing", "Marketing and advertising"),
        ("ticketing_fees", "Ticketing fees"),
        ("travel", "Travel"),
        ("transport", "Transport and freight"),
        ("accommodation", "Accommodation"),
        ("catering", "Catering"),
        ("hospitality", "Hospitality and riders"),
        ("insurance", "Insurance"),
        ("licensing", "Licensing and performing rights"),
        ("permits", "Permits"),
        ("other", "Other"),
    ]

    static let builtInCodes: Set<String> = Set(builtIn.map(\.code))

    public static func isBuiltIn(_ code: String) -> Bool { builtInCodes.contains(code) }

    static func validCode(_ code: String) -> Bool { code.fullyMatches(codePattern) }

    /// 409 `builtin_category`: built-ins are the same for every company and cannot be edited.
    static func builtInRefused(_ code: String) -> APIError {
        APIError.conflict("builtin_category", "\(code) is a built-in category: it cannot be changed or deleted. Create a category of your own instead.")
    }
}

/// `POST /api/event-expense/categories` and `PUT …/categories/{id}` (a full replacement: code and name).
struct ExpenseCategoryInput: Decodable, Sendable, ValidatableBody {
    var code: String?
    var name: String?

    func validate(_ v: inout Validator) {
        if let code {
            if !ExpenseCategories.validCode(code) {
                v.add("code", "invalid_format", "Lower-case letters, digits and _, starting with a letter, at most 40 characters.")
            }
        } else {
            v.add("code", "required", "This field is required.")
        }
        v.text(name, "name", maxLength: 100)
    }

    var trimmedName: String { name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" }
}
