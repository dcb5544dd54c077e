/// Permission names Platform Core seeds for the Finance module. Each feature adds its read/write pair
/// here (`finance.<feature>.read`, `finance.<feature>.write`) when its routes arrive.
public enum FinancePermission {
    /// The module gate every tenant route of Finance sits behind.
    public static let module = "finance"
}
