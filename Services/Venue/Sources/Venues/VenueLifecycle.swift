import Foundation
import Hummingbird
import KisumKernel

/// A venue's status moves along the spec's import → claim → activate lifecycle only. Imported (and
/// Admin-created) inventory lands under the Kisum holding company as `sleeping`; the one way out of
/// `sleeping` is a takeover (claim, approval, `POST …/activate`), which also moves the venue to the
/// claiming company. So no PATCH — Admin's or a tenant's — wakes a sleeping venue or puts one to sleep;
/// only active ↔ inactive is an edit. Archiving is DELETE, not a status.
enum VenueLifecycle {
    /// 409 `invalid_transition` (`info {from, to, allowed}`) unless `from → to` is an edit PATCH may make.
    static func check(from: String, to: String) -> APIError? {
        if from == to { return nil }
        let allowed = from == "sleeping" ? [] : VenueStatus.tenantSettable.filter { $0 != from }
        guard !allowed.contains(to) else { return nil }
        let reason = switch (from, to) {
        case ("sleeping", _):
            "A sleeping venue becomes \(to) only through a takeover: claim, approval, then POST /internal/admin/venues/{venueId}/activate."
        case (_, "sleeping"):
            "Only imported inventory of the Kisum holding company is sleeping; a company's venue cannot be put to sleep."
        default:
            "Venue status \(from) cannot become \(to)."
        }
        return APIError.conflict("invalid_transition", reason, info: [
            "from": .string(from), "to": .string(to), "allowed": .array(allowed.map(JSONValue.string)),
        ])
    }

    /// Admin create: the holding company's venues are sleeping inventory (claimable unless Admin holds
    /// them back); a company's venue is active or inactive, never sleeping — it could never be claimed
    /// (claims need the holding company) nor activated, so it would be stuck.
    /// `claimable` needs the status the venue will have (sleeping by default under the holding company).
    static func create(holding: Bool, status: String?, claimable: Bool?, into v: inout Validator) {
        if claimable == true, (status ?? (holding ? "sleeping" : "active")) != "sleeping" {
            v.add("claimable", "not_sleeping", "Only sleeping venues can be claimable.")
        }
        guard let status, ["active", "inactive", "sleeping"].contains(status) else { return }
        if holding, status != "sleeping" {
            v.add("status", "holding_venue_sleeps", "Venues of the Kisum holding company are sleeping inventory; they become "
                  + "\(status) only through claim and activate. Give companyId to create a company's venue.")
        } else if !holding, status == "sleeping" {
            v.add("status", "sleeping_is_holding_only", "Only the Kisum holding company's imported inventory is sleeping; "
                  + "a company's venue is active or inactive.")
        }
    }
}
