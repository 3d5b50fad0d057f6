namespace CxContact.Core.Lists;

/// <summary>
/// A condition tree: either a group (All = AND, Any = OR, of nested rules) or one condition on a field.
/// The same language filters campaigns later, evaluated in SQL there.
/// </summary>
public sealed record SelectionRule
{
    public IReadOnlyList<SelectionRule>? All { get; init; }
    public IReadOnlyList<SelectionRule>? Any { get; init; }
    public string? Field { get; init; }
    /// <summary>=, !=, &lt;, &lt;=, &gt;, &gt;=, in, not in, contains, starts with, is empty, is not empty.</summary>
    public string? Op { get; init; }
    public string? Value { get; init; }
    public IReadOnlyList<string>? Values { get; init; }

    public static readonly IReadOnlyList<string> Operators =
        ["=", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "starts with", "is empty", "is not empty"];
}
