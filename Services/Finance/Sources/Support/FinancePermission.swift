/// Permission names Platform Core seeds for the Finance module (`finance.<feature>.read|write`).
public enum FinancePermission {
    /// The module gate every tenant route of Finance sits behind.
    public static let module = "finance"
    public static let incomeRead = "finance.income.read"
    public static let incomeWrite = "finance.income.write"
    public static let billsRead = "finance.bills.read"
    public static let billsWrite = "finance.bills.write"
    public static let paymentsRead = "finance.payments.read"
    public static let paymentsWrite = "finance.payments.write"
}
