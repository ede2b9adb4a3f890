import Testing

extension Trait where Self == ConditionTrait {
    /// Runs the test only when the machine lacks nothing; otherwise the test is reported as
    /// skipped, naming what is missing (a test that returns early would count as passed).
    static func enabled(unlessMissing missing: String?) -> Self {
        .enabled(if: missing == nil, Comment(rawValue: "needs \(missing ?? "nothing")"))
    }
}
