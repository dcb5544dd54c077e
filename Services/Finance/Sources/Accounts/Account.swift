import Foundation
import Hummingbird
import KisumKernel

/// One account of the company's chart of accounts. Every key is written, `null` when empty.
public struct FinanceAccount: Codable, Sendable, ResponseEncodable {
    public var id: UUID
    public var companyId: UUID
    public var code: String
    public var name: String
    /// revenue | expense | asset | liability.
    public var type: String
    public var description: String?
    public var active: Bool
    public var createdBy: UUID?
    public var createdAt: Date
    public var updatedAt: Date

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(companyId, forKey: .companyId)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(type, forKey: .type)
        try c.encode(description, forKey: .description)
        try c.encode(active, forKey: .active)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

enum AccountRules {
    static let types = ["revenue", "expense", "asset", "liability"]

    /// 1 to 20 of letters, digits, `.`, `_`, `-`, starting with a letter or digit (the table's CHECK).
    static func validCode(_ code: String) -> Bool {
        let bytes = Array(code.utf8)
        func alnum(_ b: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(b) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
        }
        guard let first = bytes.first, (1...20).contains(bytes.count), alnum(first) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    static func code(_ code: String?, _ v: inout Validator, required: Bool) {
        guard let code else {
            if required { v.add("code", "required", "This field is required.") }
            return
        }
        if !validCode(code) { v.add("code", "invalid_format", "1 to 20 letters, digits, '.', '_' or '-', starting with a letter or digit.") }
    }
}

/// `POST /api/accounts`.
struct CreateAccount: Codable, Sendable, ValidatableBody {
    var code: String?
    var name: String?
    var type: String?
    var description: String?
    var active: Bool?

    func validate(_ v: inout Validator) {
        AccountRules.code(code, &v, required: true)
        v.text(name, "name", maxLength: 200)
        v.oneOf(type, "type", AccountRules.types, required: true)
        v.text(description, "description", required: false, maxLength: 2000)
    }
}

/// `PATCH /api/accounts/{id}`: absent keys stay, `null` clears the description.
struct AccountPatch: Decodable, Sendable, ValidatableBody {
    var code: Patch<String> = .absent
    var name: Patch<String> = .absent
    var type: Patch<String> = .absent
    var description: Patch<String> = .absent
    var active: Patch<Bool> = .absent

    func validate(_ v: inout Validator) {
        for (field, clears) in [("code", code.clears), ("name", name.clears), ("type", type.clears), ("active", active.clears)] where clears {
            v.add(field, "not_nullable", "\(field) cannot be null.")
        }
        AccountRules.code(code.value, &v, required: false)
        v.text(name.value, "name", required: false, maxLength: 200)
        v.oneOf(type.value, "type", AccountRules.types)
        v.text(description.value, "description", required: false, maxLength: 2000)
    }
}

/// Filters of `GET /api/accounts`.
struct AccountFilter: Sendable {
    var type: String?
    var active: Bool?
    /// Part of the code or the name.
    var q: String?
}
