import Foundation

/// One kind of notification: where it is listed and what a user gets when they have set nothing.
struct NotificationEventType: Sendable, Equatable {
    var key: String
    var category: String
    var label: String
    var description: String
    var inApp: Bool
    var email: Bool
    var whatsapp: Bool = false
}

/// The event types notifications are sent for (the spec's "default/recommended notification preferences,
/// organized by category"). Preferences exist only for these, and `POST /internal/notifications` accepts only
/// these: a producer adding a kind adds one line here, and every user can then switch it off.
///
/// WhatsApp is a stored preference only: no WhatsApp provider is configured, so nothing is sent there.
enum NotificationCatalog {
    static let channels = ["in_app", "email", "whatsapp"]

    static let types: [NotificationEventType] = [
        // Produced by Platform Core. The invitation itself is e-mailed by the invitation flow, so its
        // notification is in-app only by default.
        .init(key: "member.invited", category: "Workspace & Access", label: "Invitations",
              description: "You were invited to a workspace.", inApp: true, email: false),
        .init(key: "member.joined", category: "Workspace & Access", label: "Invitation accepted",
              description: "Someone you invited joined the workspace.", inApp: true, email: false),
        .init(key: "member.role_changed", category: "Workspace & Access", label: "Role changes",
              description: "Your role in a workspace changed.", inApp: true, email: true),
        .init(key: "member.removed", category: "Workspace & Access", label: "Removal",
              description: "You were removed from a workspace.", inApp: true, email: true),
        .init(key: "permissions.updated", category: "Workspace & Access", label: "Permission changes",
              description: "The permissions of your role changed.", inApp: true, email: false),
        .init(key: "api_key.expiring", category: "Workspace & Access", label: "API key expiring",
              description: "An API key you created expires within a week.", inApp: true, email: true),
        // Reported by the other services through POST /internal/notifications.
        .init(key: "task.assigned", category: "Assigned Actions", label: "Task assigned",
              description: "A task was assigned to you.", inApp: true, email: true),
        .init(key: "approval.requested", category: "Assigned Actions", label: "Approval requested",
              description: "Something waits for your approval.", inApp: true, email: true),
        .init(key: "approval.decided", category: "Owned Actions", label: "Approval decided",
              description: "Something you submitted was approved or rejected.", inApp: true, email: true),
        .init(key: "offer.status_changed", category: "Owned Actions", label: "Offer status",
              description: "An offer you own changed status.", inApp: true, email: false),
        .init(key: "booking.confirmed", category: "Bookings & Finance", label: "Booking confirmed",
              description: "A booking was confirmed.", inApp: true, email: true),
        .init(key: "booking.cancelled", category: "Bookings & Finance", label: "Booking cancelled",
              description: "A booking was cancelled.", inApp: true, email: true),
        .init(key: "deposit.sync_failed", category: "Bookings & Finance", label: "Deposit sync failed",
              description: "A deposit could not be handed to Finance.", inApp: true, email: true),
        .init(key: "billing.payment_failed", category: "Billing", label: "Payment failed",
              description: "A subscription payment failed.", inApp: true, email: true),
        .init(key: "billing.trial_ending", category: "Billing", label: "Trial ending",
              description: "The workspace's trial ends soon.", inApp: true, email: true),
    ]

    private static let byKey: [String: NotificationEventType] = Dictionary(types.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })

    static func find(_ key: String) -> NotificationEventType? { byKey[key] }

    /// The category shown for a stored notification (a type later removed from the catalog shows as "Other").
    static func category(of key: String) -> String { byKey[key]?.category ?? "Other" }

    /// The default of one channel of one type.
    static func defaultEnabled(_ type: NotificationEventType, channel: String) -> Bool {
        switch channel {
        case "in_app": type.inApp
        case "email": type.email
        default: type.whatsapp
        }
    }
}
