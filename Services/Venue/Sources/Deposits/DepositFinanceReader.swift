import Foundation
import KisumKernel
import Logging

/// Reads prefer Finance: a linked deposit shows Finance's invoice status and paid total as Finance
/// answers them now. Finance unreachable (or not configured) is not an error for a read: the deposit
/// shows what Venue last saw, with `financeLive: false`.
struct DepositFinanceReader: Sendable {
    let ledger: (any FinanceLedger)?

    func refreshed(_ deposits: [Deposit], companyID: UUID, logger: Logger) async -> [Deposit] {
        let ids = deposits.compactMap(\.financeRecordId)
        guard let ledger, !ids.isEmpty else { return deposits }
        do {
            let invoices = try await ledger.invoices(ids: ids, companyID: companyID)
            return deposits.map { deposit in
                guard let record = deposit.financeRecordId, let invoice = invoices[record] else { return deposit }
                var live = deposit
                live.financeStatus = invoice.status
                live.paidMinor = invoice.paidMinor
                live.financeLive = true
                return live
            }
        } catch {
            logger.warning("finance read failed; showing last synced figures", metadata: ["error": "\(error)"])
            return deposits
        }
    }
}
