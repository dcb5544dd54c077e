import Foundation
import Hummingbird
import KisumKernel
import PostgresNIO

/// A workspace as one of its members sees it: the workspace (with its free-form settings) and the
/// caller's membership there. The list, detail, create, update and switch routes all answer with it.
public struct WorkspaceView: ResponseEncodable, Sendable, Equatable {
    public var id: UUID
    public var name: String
    public var slug: String
    public var description: String?
    public var logoUrl: String?
    public var website: String?
    public var timezone: String?
    public var currency: String?
    public var ownerId: UUID
    public var status: String
    public var settings: JSONValue
    public var createdAt: Date
    public var updatedAt: Date
    /// The caller's membership.
    public var role: String
    public var memberId: UUID
    public var membershipStatus: String
    public var joinedAt: Date?
    /// The workspace the caller last switched to (`POST /workspaces/switch`).
    public var isCurrent: Bool
    /// Active members.
    public var memberCount: Int

    /// `m` is the caller's membership, `w` the workspace, `u` the caller.
    static let select = """
        SELECT w.id, w.name, w.slug, w.description, w.logo_url, w.website, w.timezone, w.currency, w.owner_id, w.status,
               w.settings::text AS settings, w.created_at, w.updated_at,
               m.role, m.id AS member_id, m.status AS membership_status, m.joined_at,
               COALESCE(u.current_workspace_id = w.id, false) AS is_current,
               (SELECT count(*) FROM memberships c WHERE c.workspace_id = w.id AND c.status = 'active') AS member_count
        FROM memberships m
        JOIN workspaces w ON w.id = m.workspace_id
        JOIN users u ON u.id = m.user_id
        """

    init(row: PostgresRow) throws {
        let r = row.makeRandomAccess()
        id = try r["id"].decode(UUID.self)
        name = try r["name"].decode(String.self)
        slug = try r["slug"].decode(String.self)
        description = try r["description"].decode(String?.self)
        logoUrl = try r["logo_url"].decode(String?.self)
        website = try r["website"].decode(String?.self)
        timezone = try r["timezone"].decode(String?.self)
        currency = try r["currency"].decode(String?.self)
        ownerId = try r["owner_id"].decode(UUID.self)
        status = try r["status"].decode(String.self)
        settings = try JSONCoding.decoder.decode(JSONValue.self, from: Data(try r["settings"].decode(String.self).utf8))
        createdAt = try r["created_at"].decode(Date.self)
        updatedAt = try r["updated_at"].decode(Date.self)
        role = try r["role"].decode(String.self)
        memberId = try r["member_id"].decode(UUID.self)
        membershipStatus = try r["membership_status"].decode(String.self)
        joinedAt = try r["joined_at"].decode(Date?.self)
        isCurrent = try r["is_current"].decode(Bool.self)
        memberCount = try r["member_count"].decode(Int.self)
    }
}
