import Foundation
import HTTPTypes
import Hummingbird
import KisumDeals
import KisumKernel
import Logging
import PostgresNIO

/// `/api/offer`: offers with their deal, potential, state machine and revisions (`basic.offers.read` / `.write`).
/// Every write of an existing offer names the version it read (body `version` or `If-Match`); a stale one is
/// 409 `version_conflict`. `GET /api/offer/{id}/pdf` belongs to the PDF feature.
struct OffersRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: OffersRepository
    let changes: OfferChangesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let offers = tenant.group("/api/offer")
        offers.get("", use: list)
        offers.post("", use: create)
        offers.get("search", use: search)
        offers.get("artist/{artistId}", use: byArtist)
        offers.get("{id}", use: get)
        offers.put("{id}", use: replace)
        offers.delete("{id}", use: delete)
        offers.patch("{id}/status", use: setStatus)
        offers.post("{id}/send", use: send)
        offers.post("{id}/accept", use: accept)
        offers.post("{id}/reject", use: reject)
        offers.post("{id}/counter", use: counter)
        offers.post("{id}/duplicate", use: duplicate)
        offers.post("{id}/convert-to-event", use: convert)
        offers.get("{id}/versions", use: versions)
    }

    // MARK: Reads

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersRead)
        return try await page(request, companyID: scope.companyID, searchesVenue: false, artistID: nil)
    }

    /// Like the list, with `q` matching the artist's name, the venue's name or the city.
    @Sendable func search(_ request: Request, context: Context) async throws -> Page<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersRead)
        return try await page(request, companyID: scope.companyID, searchesVenue: true, artistID: nil)
    }

    @Sendable func byArtist(_ request: Request, context: Context) async throws -> Page<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersRead)
        let artistID = try context.parameters.uuid("artistId", what: "artist")
        let result = try await page(request, companyID: scope.companyID, searchesVenue: false, artistID: artistID)
        if result.total == 0, try await !repository.artistExists(companyID: scope.companyID, id: artistID) { throw APIError.notFound("artist") }
        return result
    }

    private func page(_ request: Request, companyID: UUID, searchesVenue: Bool, artistID: UUID?) async throws -> Page<Offer> {
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        var filter = OfferFilter(status: q.oneOf("status", OfferStatus.all), artistID: q.uuid("artistId"), eventID: q.uuid("eventId"),
                                 from: q.calendarDate("from"), to: q.calendarDate("to"), currency: q.currency("currency"),
                                 q: q.search("q", maxLength: 200), searchesVenue: searchesVenue)
        let sort = q.oneOf("sort", OfferSort.choices)
        try q.validate()
        if let artistID { filter.artistID = artistID }
        let result = try await repository.list(companyID: companyID, filter, sort: sort, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersRead)
        let id = try context.parameters.uuid("id", what: "offer")
        return Self.tagged(try await repository.get(companyID: scope.companyID, id: id).orNotFound("offer"))
    }

    @Sendable func versions(_ request: Request, context: Context) async throws -> Page<OfferRevision> {
        let scope = try context.tenant(permission: BasePermission.offersRead)
        let id = try context.parameters.uuid("id", what: "offer")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        try q.validate()
        let result = try await repository.revisions(companyID: scope.companyID, id: id, page: page).orNotFound("offer")
        return Page(items: result.items, total: result.total, request: page)
    }

    // MARK: Writes

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersWrite)
        let body = try await request.decodeValid(as: OfferBody.self, context: context)
        let offer = try await repository.create(companyID: scope.companyID, userID: scope.userID, try OfferFields(body))
        return Self.tagged(offer, status: .created)
    }

    /// A full replacement of the terms, only while the offer is a draft or countered.
    @Sendable func replace(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersWrite)
        let id = try context.parameters.uuid("id", what: "offer")
        let header = try OfferVersion.ifMatch(request)
        let body = try await request.decodeValid(as: OfferBody.self, context: context)
        let version = try OfferVersion.resolve(body: body.version, header: header)
        let fields = try OfferFields(body)
        let offer = try await changes.change(companyID: scope.companyID, id: id, userID: scope.userID, expectedVersion: version) { _, current, _ in
            let status = try OfferChangesRepository.status(current)
            guard status.isEditable else {
                throw APIError.conflict("offer_not_editable", "A \(status.rawValue) offer's terms cannot change; only a draft or a countered offer's can.",
                                        info: ["status": .string(status.rawValue), "allowed": ["draft", "countered"]])
            }
            return OfferChangesRepository.Outcome(fields: fields, status: status, action: "updated")
        }
        return Self.tagged(try offer.orNotFound("offer"))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.offersWrite)
        let id = try context.parameters.uuid("id", what: "offer")
        let version = try OfferVersion.resolve(body: nil, header: try OfferVersion.ifMatch(request))
        guard try await changes.delete(companyID: scope.companyID, id: id, expectedVersion: version) else { throw APIError.notFound("offer") }
        return Response(status: .noContent)
    }

    /// The status moves that need nothing but a version: sent, accepted, rejected, cancelled.
    @Sendable func setStatus(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        _ = try context.tenant(permission: BasePermission.offersWrite)
        let body = try await request.decode(as: OfferActionBody.self, context: context) { body, v in
            body.validate(&v)
            if body.status == nil { v.add("status", "required", "This field is required.") }
        }
        guard let wanted = body.status.flatMap(OfferStatus.init(rawValue:)) else { throw APIError.internalError }
        return try await move(request, context: context, body: body) { connection, companyID, userID, offer, logger in
            guard let action = OfferStatus.patchAction(to: wanted) else {
                throw try OfferChangesRepository.status(offer).invalidTransition(to: "become \(wanted.rawValue) through a status change")
            }
            return try await Self.run(action, connection, companyID: companyID, userID: userID, offer: offer, note: body.note, logger)
        }
    }

    @Sendable func send(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        try await simple(.send, request, context: context)
    }

    @Sendable func accept(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        try await simple(.accept, request, context: context)
    }

    @Sendable func reject(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        try await simple(.reject, request, context: context)
    }

    /// The other side's answer with changed terms: fields sent replace the offer's, the potential is recomputed.
    @Sendable func counter(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersWrite)
        let id = try context.parameters.uuid("id", what: "offer")
        let header = try OfferVersion.ifMatch(request)
        let body = try await request.decodeValid(as: CounterOfferBody.self, context: context)
        let version = try OfferVersion.resolve(body: body.version, header: header)
        let offer = try await changes.change(companyID: scope.companyID, id: id, userID: scope.userID, expectedVersion: version) { _, current, _ in
            if let deal = body.deal, deal.currency != current.currency {
                throw APIError.validation(field: "deal.currency", code: "currency_mismatch",
                                          message: "The deal's currency must be the offer's (\(current.currency)).")
            }
            let target = try OfferChangesRepository.status(current).apply(.counter)
            var fields = OfferFields(current)
            if let deal = body.deal { fields.deal = deal }
            if let scenario = body.scenario { fields.scenario = scenario }
            if let eventDate = body.eventDate { fields.eventDate = eventDate }
            if let expiresOn = body.expiresOn { fields.expiresOn = expiresOn }
            if let notes = body.notes { fields.notes = notes }
            if let expiresOn = fields.expiresOn, expiresOn > fields.eventDate {
                throw APIError.validation(field: "expiresOn", code: "after_event_date", message: "An offer expires on or before the event's date.")
            }
            fields.potential = try OfferRules.potential(fields.deal, fields.scenario)
            return OfferChangesRepository.Outcome(fields: fields, status: target, action: target.rawValue,
                                                  extra: OfferChangesRepository.noteChange(body.note))
        }
        return Self.tagged(try offer.orNotFound("offer"))
    }

    @Sendable func duplicate(_ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersWrite)
        let id = try context.parameters.uuid("id", what: "offer")
        let offer = try await repository.duplicate(companyID: scope.companyID, userID: scope.userID, id: id).orNotFound("offer")
        return Self.tagged(offer, status: .created)
    }

    /// An accepted offer becomes an event (created, or the offer's existing one) with the artist headlining.
    @Sendable func convert(_ request: Request, context: Context) async throws -> EditedResponse<OfferConversion> {
        let scope = try context.tenant(permission: BasePermission.offersWrite)
        let id = try context.parameters.uuid("id", what: "offer")
        let header = try OfferVersion.ifMatch(request)
        let body = try await request.decodeValidIfPresent(as: ConvertOfferBody.self, context: context)
        let version = try OfferVersion.resolve(body: body?.version, header: header)
        let companyID = scope.companyID
        let userID = scope.userID
        let name = body?.name
        let result = try await changes.changeReturning(companyID: companyID, id: id, userID: userID, expectedVersion: version) {
            connection, current, logger in
            let (outcome, eventID, created) = try await OfferChangesRepository.convert(
                connection, companyID: companyID, userID: userID, offer: current, name: name, logger)
            return (outcome, (eventID, created))
        }
        let (converted, (eventID, created)) = try result.orNotFound("offer")
        return EditedResponse(status: created ? .created : .ok, headers: [.eTag: "\"\(converted.version)\""],
                              response: OfferConversion(eventId: eventID, eventCreated: created, offer: converted))
    }

    // MARK: Helpers

    private func simple(_ action: OfferAction, _ request: Request, context: Context) async throws -> EditedResponse<Offer> {
        _ = try context.tenant(permission: BasePermission.offersWrite)
        let body = try await request.decodeValidIfPresent(as: OfferActionBody.self, context: context) ?? OfferActionBody()
        return try await move(request, context: context, body: body) { connection, companyID, userID, offer, logger in
            try await Self.run(action, connection, companyID: companyID, userID: userID, offer: offer, note: body.note, logger)
        }
    }

    private func move(_ request: Request, context: Context, body: OfferActionBody,
                      _ run: @escaping @Sendable (PostgresConnection, UUID, UUID, Offer, Logger) async throws -> OfferChangesRepository.Outcome)
        async throws -> EditedResponse<Offer> {
        let scope = try context.tenant(permission: BasePermission.offersWrite)
        let id = try context.parameters.uuid("id", what: "offer")
        let version = try OfferVersion.resolve(body: body.version, header: try OfferVersion.ifMatch(request))
        let companyID = scope.companyID
        let userID = scope.userID
        let offer = try await changes.change(companyID: companyID, id: id, userID: userID, expectedVersion: version) { connection, current, logger in
            try await run(connection, companyID, userID, current, logger)
        }
        return Self.tagged(try offer.orNotFound("offer"))
    }

    static func run(_ action: OfferAction, _ connection: PostgresConnection, companyID: UUID, userID: UUID, offer: Offer, note: String?,
                    _ logger: Logger) async throws -> OfferChangesRepository.Outcome {
        switch action {
        case .send:
            return try await OfferChangesRepository.send(connection, companyID: companyID, userID: userID, offer: offer, note: note, logger)
        case .cancel:
            return try await OfferChangesRepository.cancel(connection, companyID: companyID, userID: userID, offer: offer, note: note, logger)
        default:
            let target = try OfferChangesRepository.status(offer).apply(action)
            return OfferChangesRepository.Outcome(fields: OfferFields(offer), status: target, action: target.rawValue,
                                                  extra: OfferChangesRepository.noteChange(note))
        }
    }

    /// The offer with its version as the ETag, for a later `If-Match`.
    static func tagged(_ offer: Offer, status: HTTPResponse.Status = .ok) -> EditedResponse<Offer> {
        EditedResponse(status: status, headers: [.eTag: "\"\(offer.version)\""], response: offer)
    }
}
