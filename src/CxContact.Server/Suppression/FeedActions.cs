using CxContact.Core.Suppression;

namespace CxContact.Server.Suppression;

/// <summary>
/// How a change list's rows say add or delete: one action for the whole file (spec.action, for registries that ship
/// additions and deletions as separate files), or a column whose values spec.actionValues (or the usual A/D,
/// add/delete, ...) give. 'a' is add, 'd' delete.
/// </summary>
public sealed class FeedActions
{
    private readonly Dictionary<string, char> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlyList<string> _add, _delete;

    private FeedActions(char? fixedAction, IReadOnlyList<string> add, IReadOnlyList<string> delete)
    {
        Fixed = fixedAction;
        (_add, _delete) = (add, delete);
        foreach (var v in add) _values[v.Trim()] = 'a';
        foreach (var v in delete) _values[v.Trim()] = 'd';
    }

    /// <summary>Every row's action when the file has no action column; null when a column says it.</summary>
    public char? Fixed { get; }

    public static FeedActions From(SuppressionImportSpec spec) => new(
        spec.Action switch { "add" => 'a', "delete" => 'd', _ => null },
        spec.ActionValues?.Add ?? SuppressionActionValues.DefaultAdd,
        spec.ActionValues?.Delete ?? SuppressionActionValues.DefaultDelete);

    public char? Read(string cell) => _values.TryGetValue(cell.Trim(), out var a) ? a : null;

    public string Describe() =>
        $"add is {string.Join(", ", _add)} and delete is {string.Join(", ", _delete)} (spec.actionValues sets others)";
}
