import Foundation
import Hummingbird
import KisumDeals
import KisumKernel

/// An event's money as the deal engine states it: the financials (each deal as offered beside the sales so far)
/// and the settlement of the night, signed off by the settler or through the approval queue
/// (`basic.events.read` / `.write`). The event's expenses are its stored lines — approved actuals where they exist,
/// estimates elsewhere (issue 10) — converted into its currency, and they realise the deals' expenses
/// (`ExpenseBasis`).
struct SettlementsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: SettlementsRepository
    let tickets: TicketReportsRepository
    let expenses: EventExpensesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let events = tenant.group("/api/events")
        events.get("{id}/financials", use: financials)
        events.get("{id}/settlement", use: settlement)
        events.post("{id}/settlement", use: settle)
    }

    @Sendable func financials(_ request: Request, context: Context) async throws -> EventFinancials {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        let event = try await repository.event(companyID: scope.companyID, id: id).orNotFound("event")
        let deals = try await repository.deals(companyID: scope.companyID, eventID: id)
        if let stored = try await repository.stored(companyID: scope.companyID, eventID: id) {
            let lines = stored.lines.map { line in
                EventFinancials.Line(offerId: line.offerId, artistId: line.artistId, artistName: line.artistName,
                                     offerStatus: deals.first { $0.offerID == line.offerId }?.offerStatus ?? "converted",
                                     projected: deals.first { $0.offerID == line.offerId }?.potential, actual: line.outcome)
            }
            return EventFinancials(eventId: id, eventStatus: event.status, currency: event.currency, capacity: event.capacity,
                                   source: "settlement", tiers: stored.tiers, lines: lines, totals: stored.totals, expenses: stored.expenses)
        }
        let costs = try await expenses.expenses(companyID: scope.companyID, eventID: id).orNotFound("event")
        let tiers = try await tickets.actualSales(companyID: scope.companyID, eventID: id) ?? []
        let settled = try Self.evaluate(try Self.terms(deals, costs), tiers: tiers, event: event)
        let lines = zip(deals, settled).map { deal, line in
            EventFinancials.Line(offerId: deal.offerID, artistId: deal.artistID, artistName: deal.artistName, offerStatus: deal.offerStatus,
                                 projected: deal.potential, actual: line.outcome)
        }
        return EventFinancials(eventId: id, eventStatus: event.status, currency: event.currency, capacity: event.capacity,
                               source: "sales", tiers: tiers, lines: lines, totals: try Self.totals(settled, tiers: tiers, expenses: costs),
                               expenses: costs)
    }

    /// The stored settlement, or (status `open`) what settling now would record, with the event's expense lines.
    @Sendable func settlement(_ request: Request, context: Context) async throws -> EventSettlement {
        let scope = try context.tenant(permission: BasePermission.eventsRead)
        let id = try context.parameters.uuid("id", what: "event")
        let event = try await repository.event(companyID: scope.companyID, id: id).orNotFound("event")
        if let stored = try await repository.stored(companyID: scope.companyID, eventID: id) { return stored }
        let deals = try await repository.deals(companyID: scope.companyID, eventID: id)
        let costs = try await expenses.expenses(companyID: scope.companyID, eventID: id).orNotFound("event")
        let tiers = try await tickets.actualSales(companyID: scope.companyID, eventID: id) ?? []
        let lines = try Self.evaluate(try Self.terms(deals, costs), tiers: tiers, event: event)
        return EventSettlement(eventId: id, status: "open", currency: event.currency, tiers: tiers, lines: lines,
                               totals: try Self.totals(lines, tiers: tiers, expenses: costs), expenses: costs, notes: nil, settledBy: nil,
                               settledAt: nil, signedAt: nil, approvalId: nil, version: nil)
    }

    @Sendable func settle(_ request: Request, context: Context) async throws -> EditedResponse<EventSettlement> {
        let scope = try context.tenant(permission: BasePermission.eventsWrite)
        let id = try context.parameters.uuid("id", what: "event")
        let body = try await request.decodeValid(as: SettleEvent.self, context: context)
        let event = try await repository.event(companyID: scope.companyID, id: id).orNotFound("event")
        let deals = try await repository.deals(companyID: scope.companyID, eventID: id)
        guard !deals.isEmpty else {
            throw APIError.validation(field: "eventId", code: "no_deal", message: "The event has no accepted offer to settle.")
        }
        let costs = try await expenses.expenses(companyID: scope.companyID, eventID: id).orNotFound("event")
        let tiers = try await tickets.actualSales(companyID: scope.companyID, eventID: id) ?? []
        let lines = try Self.evaluate(try Self.terms(deals, costs), tiers: tiers, event: event)
        let settlement = EventSettlement(eventId: id, status: "signed", currency: event.currency, tiers: tiers, lines: lines,
                                         totals: try Self.totals(lines, tiers: tiers, expenses: costs), expenses: costs, notes: body.notes,
                                         settledBy: scope.userID, settledAt: nil, signedAt: nil, approvalId: nil, version: 1)
        switch try await repository.save(companyID: scope.companyID, userID: scope.userID, eventID: id, settlement) {
        case .saved:
            let stored = try await repository.stored(companyID: scope.companyID, eventID: id).orNotFound("event")
            return EditedResponse(status: .created, response: stored)
        case .eventNotFound:
            throw APIError.notFound("event")
        case .notSettleable(let status):
            throw APIError.conflict("not_settleable", "An event is settled once booked: its status is \(status).",
                                    info: ["status": .string(status), "allowed": .array(SettlementRules.settleable.map { .string($0) })])
        case .alreadyStored(let status):
            throw APIError.conflict(status == "signed" ? "already_settled" : "settlement_pending_approval",
                                    status == "signed" ? "The event is settled." : "The settlement waits for its approval.",
                                    info: ["status": .string(status)])
        }
    }

    /// Each deal over the sales, in the event's currency only: a deal in another currency cannot be settled
    /// against these sales without a rate (422, never a silent 1.0).
    static func evaluate(_ deals: [(SettlementsRepository.Deal, DealTerms)], tiers: [TicketTier], event: SettlementsRepository.EventHeader)
        throws -> [SettlementLine] {
        try deals.map { deal, terms in
            guard terms.currency == event.currency else {
                throw APIError.validation(field: "deal.currency", code: "currency_mismatch",
                                          message: "Offer \(deal.offerID.uuidString.lowercased()) is in \(terms.currency), the event's sales in \(event.currency).")
            }
            do throws(DealEngineError) {
                let outcome = try DealEngine.evaluate(terms: terms, tiers: tiers, capacity: event.capacity)
                return SettlementLine(offerId: deal.offerID, artistId: deal.artistID, artistName: deal.artistName, deal: terms, outcome: outcome)
            } catch {
                throw Self.apiError(error, offerID: deal.offerID)
            }
        }
    }

    /// Each deal's terms with the event's expense lines applied (`ExpenseBasis.applying`).
    static func terms(_ deals: [SettlementsRepository.Deal], _ costs: EventExpenses) throws -> [(SettlementsRepository.Deal, DealTerms)] {
        try deals.map { deal in
            do throws(DealEngineError) {
                return (deal, try ExpenseBasis.applying(costs, to: deal.terms))
            } catch {
                throw Self.apiError(error, offerID: deal.offerID)
            }
        }
    }

    static func totals(_ lines: [SettlementLine], tiers: [TicketTier], expenses: EventExpenses?) throws -> SettlementTotals {
        do throws(DealEngineError) {
            return try SettlementTotals.of(lines, tiers: tiers, expenses: expenses)
        } catch {
            throw Self.apiError(error, offerID: nil)
        }
    }

    static func apiError(_ error: DealEngineError, offerID: UUID?) -> APIError {
        let offer = offerID.map { " (offer \($0.uuidString.lowercased()))" } ?? ""
        switch error {
        case .invalid(let issues):
            return APIError.validation(issues.map { FieldIssue(field: $0.path, code: $0.code, message: $0.message + offer) })
        case .overflow(let what):
            return APIError.validation(field: "deal", code: "amount_overflow", message: "The \(what) is beyond any amount\(offer).")
        }
    }
}
