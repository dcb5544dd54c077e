import Foundation
import Hummingbird
import KisumKernel
import PostgresNIO

/// A user as the API shows it (snake_case on the wire). Never carries the password hash or counters.
public struct User: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var status: String
    public var fullName: String?
    public var displayName: String?
    public var title: String?
    public var phone: String?
    public var bio: String?
    public var timezone: String?
    public var locale: String?
    public var avatarUrl: String?
    public var isActive: Bool
    public var emailVerified: Bool
    public var hasPassword: Bool
    public var lastLoginAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public enum Status {
        public static let pending = "pending"
        public static let active = "active"
        public static let disabled = "disabled"
    }

    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        id = try r["id"].decode(UUID.self)
        email = try r["email"].decode(String.self)
        status = try r["status"].decode(String.self)
        fullName = try r["full_name"].decode(String?.self)
        displayName = try r["display_name"].decode(String?.self)
        title = try r["title"].decode(String?.self)
        phone = try r["phone"].decode(String?.self)
        bio = try r["bio"].decode(String?.self)
        timezone = try r["timezone"].decode(String?.self)
        locale = try r["locale"].decode(String?.self)
        avatarUrl = try r["avatar_url"].decode(String?.self)
        emailVerified = try r["email_verified_at"].decode(Date?.self) != nil
        lastLoginAt = try r["last_login_at"].decode(Date?.self)
        createdAt = try r["created_at"].decode(Date.self)
        updatedAt = try r["updated_at"].decode(Date.self)
        hasPassword = try r["has_password"].decode(Bool.self)
        isActive = status == Status.active
    }
}

/// E-mail addresses are compared case-insensitively and stored trimmed and lower-cased.
public enum EmailAddress {
    public static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
