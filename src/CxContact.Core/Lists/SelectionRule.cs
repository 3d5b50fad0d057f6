namespace CxContact.Core.Lists;

/// <summary>
/// A condition tree: either a group (All = AND, Any = OR, of nested rules) or one condition on a field.
/// The same language filters campaigns later, evaluated in SQL there.
/// </summary>
[GenerateSerializer, Alias("cxc.SelectionRule")]
public sealed record SelectionRule
{
    [Id(0)] public IReadOnlyList<SelectionRule>? All { get; init; }
    [Id(1)] public IReadOnlyList<SelectionRule>? Any { get; init; }
    [Id(2)] public string? Field { get; init; }
    /// <summary>=, !=, &lt;, &lt;=, &gt;, &gt;=, in, not in, contains, starts with, is empty, is not empty.</summary>
    [Id(3)] public string? Op { get; init; }
    [Id(4)] public string? Value { get; init; }
    [Id(5)] public IReadOnlyList<string>? Values { get; init; }

    public static readonly IReadOnlyList<string> Operators =
        ["=", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "starts with", "is empty", "is not empty"];
}
