import Foundation
import KisumServiceClient

/// A current overlay the search found: matched by its display name (`matched`, with that match's `score`), or
/// brought along because Base answered its party.
struct OverlayHit: Sendable, Equatable {
    var overlay: CustomerOverlay
    var matched: Bool
    /// The display name's match, scored as Base scores names (0.5 for a prefix + 0.5 × trigram similarity).
    var score: Double
}

/// How the customer search ranks Market parties and overlay matches together.
///
/// One item per party id. Its score is the better of its Market score and its overlay's match score, plus
/// `overlayBoost` when the overlay matched: a party this venue named so that the text finds it is what its
/// people most likely look for, so it ranks above Market-only matches of similar strength (an overlay match of
/// 0.5 or more beats any Market-only item). Ties go by the shown name, then the party id.
enum CustomerRanking {
    static let overlayBoost = 0.5

    static func merge(market: [PartySearchItem], overlays: [OverlayHit], limit: Int) -> [CustomerMatch] {
        // One hit per overlay (a matched one may also come back as a Market party's overlay).
        var hits: [String: OverlayHit] = [:]
        for hit in overlays {
            let key = "\(hit.overlay.partyKind):\(hit.overlay.partyId)"
            if let known = hits[key], known.matched || !hit.matched { continue }
            hits[key] = hit
        }
        var items: [UUID: CustomerMatch] = [:]
        for party in market where items[party.id] == nil {
            let hit = hits.removeValue(forKey: "\(party.kind.rawValue):\(party.id)")
            items[party.id] = CustomerMatch(
                partyId: party.id, partyKind: party.kind.rawValue, source: party.source.rawValue, name: party.name, email: party.email,
                countryId: party.countryId, city: party.city, displayName: hit?.overlay.displayName ?? party.name,
                score: score(market: party.score, hit), marketMatch: true, overlayMatch: hit?.matched ?? false, overlay: hit?.overlay)
        }
        for hit in hits.values where hit.matched {
            let overlay = hit.overlay
            let candidate = CustomerMatch(
                partyId: overlay.partyId, partyKind: overlay.partyKind, source: nil, name: nil, email: nil, countryId: nil, city: nil,
                displayName: overlay.displayName, score: score(market: nil, hit), marketMatch: false, overlayMatch: true, overlay: overlay)
            // One id with overlays under both kinds: Market's party stands, else the better match.
            if let known = items[overlay.partyId], known.marketMatch || known.score >= candidate.score { continue }
            items[overlay.partyId] = candidate
        }
        return Array(items.values.sorted(by: ranksBefore).prefix(limit))
    }

    static func score(market: Double?, _ hit: OverlayHit?) -> Double {
        let overlay = hit.map { $0.matched ? $0.score : 0 } ?? 0
        let raw = max(market ?? 0, overlay) + (hit?.matched == true ? overlayBoost : 0)
        return (raw * 10_000).rounded() / 10_000
    }

    static func ranksBefore(_ a: CustomerMatch, _ b: CustomerMatch) -> Bool {
        if a.score != b.score { return a.score > b.score }
        let nameA = (a.displayName ?? "").lowercased(), nameB = (b.displayName ?? "").lowercased()
        if nameA != nameB { return nameA < nameB }
        return a.partyId.uuidString < b.partyId.uuidString
    }
}
