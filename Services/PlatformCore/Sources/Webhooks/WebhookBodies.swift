import Foundation
import KisumKernel

/// Event filters: activity actions (`member.invited`, `api_key.created` …) or a prefix with `.*` (`member.*`).
/// `*` alone means every event, stored as the empty list. The activity feed is open-ended (every feature records its
/// own actions), so names are checked for shape, not against a list.
enum WebhookEvents {
    static let maxEvents = 50
    static let maxLength = 100

    static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.unicodeScalars.count <= maxLength else { return false }
        let base = name.hasSuffix(".*") ? String(name.dropLast(2)) : name
        let labels = base.split(separator: ".", omittingEmptySubsequences: false)
        return !labels.isEmpty && labels.allSatisfy { label in
            guard let first = label.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
            return label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
        }
    }

    static func validate(_ events: [String]?, into v: inout Validator) {
        guard let events else { return }
        v.check(events.count <= maxEvents, "events", "too_many", "At most \(maxEvents) event types.")
        for (index, event) in events.enumerated() where event != "*" && !isValid(event) {
            v.add("events[\(index)]", "invalid_event",
                  "An event type is an activity action such as member.invited, or a prefix such as member.* (at most \(maxLength) characters).")
        }
    }

    /// Trimmed of duplicates (first kept); `*` anywhere means all events (empty list).
    static func normalize(_ events: [String]?) -> [String]? {
        guard let events else { return nil }
        if events.contains("*") { return [] }
        var seen = Set<String>()
        return events.filter { seen.insert($0).inserted }
    }
}

/// `POST /webhooks`: `url` (required), `name` (default: the URL's host), `description`, `events` (default: every
/// event), `is_active` (default true).
struct CreateWebhookBody: ValidatableBody {
    var name: String?
    var url: String?
    var description: String?
    var events: [String]?
    var isActive: Bool?

    func validate(_ v: inout Validator) {
        v.text(name, "name", required: false, maxLength: 200)
        v.text(url, "url", maxLength: 2000)
        if let description { v.check(description.unicodeScalars.count <= 2000, "description", "too_long", "At most 2000 characters.") }
        WebhookEvents.validate(events, into: &v)
    }

    /// The name to store: the given one trimmed, else the URL's host.
    var resolvedName: String {
        if let name = name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty { return name }
        return String((URLComponents(string: url ?? "")?.host ?? "Webhook").prefix(200))
    }
}

/// `PUT /webhooks/{id}`: absent fields stay; `description: null` clears it.
struct UpdateWebhookBody: ValidatableBody {
    var name: String?
    var url: String?
    var description: String?
    var clearDescription = false
    var events: [String]?
    var isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case name, url, description, events, isActive
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        url = try c.decodeIfPresent(String.self, forKey: .url)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        clearDescription = c.contains(.description) && description == nil
        events = try c.decodeIfPresent([String].self, forKey: .events)
        isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
    }

    func validate(_ v: inout Validator) {
        v.text(name, "name", required: false, maxLength: 200)
        v.text(url, "url", required: false, maxLength: 2000)
        if let description { v.check(description.unicodeScalars.count <= 2000, "description", "too_long", "At most 2000 characters.") }
        WebhookEvents.validate(events, into: &v)
    }
}

/// `POST /webhooks/{id}/test`: "event: The event type to simulate" (default `webhook.test`), "payload: Optional
/// custom payload data" (a JSON object, at most 16 KiB encoded), sent as the delivery's `data`.
struct TestWebhookBody: ValidatableBody {
    static let maxPayloadBytes = 16 * 1024

    var event: String?
    var payload: JSONValue?

    func validate(_ v: inout Validator) {
        if let event { v.check(WebhookEvents.isValid(event) && !event.hasSuffix(".*"), "event", "invalid_event",
                               "An event type such as member.invited (at most \(WebhookEvents.maxLength) characters).") }
        if let payload, payload != .null {
            if case .object = payload {
                let size = (try? JSONCoding.encoder.encode(payload).count) ?? Int.max
                v.check(size <= Self.maxPayloadBytes, "payload", "too_large", "At most \(Self.maxPayloadBytes) bytes of JSON.")
            } else {
                v.add("payload", "invalid_payload", "The payload must be a JSON object.")
            }
        }
    }
}
