import Foundation
import KisumKernel

/// The role rules for acting on another member of the same workspace (see NOTES "Members and Teams"):
/// the caller's role must rank at least as high as the target's ("same or higher role"), so admins
/// cannot act on owners; nobody grants a role above their own; `owner` is never granted here.
enum MemberPolicy {
    /// 403 `insufficient_role` unless `callerRole` ranks at least as high as `targetRole`.
    static func requireRank(callerRole: String, over targetRole: String, _ action: String) throws {
        try Role.require(callerRole, atLeast: targetRole, "You can only \(action) members with the same or a lower role.")
    }

    static let cannotRemoveSelf = APIError.conflict("cannot_remove_self", "You cannot remove yourself from the workspace here.")
    static let ownerProtected = APIError.conflict(
        "owner_protected", "An owner cannot be removed or suspended; ownership changes only through an ownership transfer.")
    static let lastOwner = APIError.conflict("last_owner", "The workspace must keep at least one active owner.")
}
