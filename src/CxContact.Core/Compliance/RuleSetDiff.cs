using System.Text.Json;
using System.Text.Json.Nodes;

namespace CxContact.Core.Compliance;

/// <summary>
/// What changed between two versions of a rule set, rule by rule: added, removed, or changed (with each property's value
/// before and after). Compared in the document form (<see cref="RuleSets.ToJson"/>), so every field a rule has counts.
/// </summary>
public static class RuleSetDiff
{
    /// <summary>One rule (or calendar, or jurisdiction) that differs.</summary>
    public sealed record Change(string Section, string Id, string Kind, IReadOnlyList<FieldChange> Fields);

    public sealed record FieldChange(string Field, JsonNode? Before, JsonNode? After);

    private static readonly (string Section, string Key)[] Sections =
    [
        ("jurisdictions", "code"), ("holidays", "id"), ("callingWindows", "id"), ("attemptLimits", "id"), ("minimumGaps", "id"), ("deviceRules", "id"),
    ];

    public static IReadOnlyList<Change> Between(RuleSet before, RuleSet after)
    {
        var a = JsonNode.Parse(RuleSets.ToJson(before))!.AsObject();
        var b = JsonNode.Parse(RuleSets.ToJson(after))!.AsObject();
        var changes = new List<Change>();
        foreach (var (section, key) in Sections)
        {
            var old = Index(a[section], key);
            var now = Index(b[section], key);
            foreach (var (id, item) in old)
            {
                if (!now.TryGetValue(id, out var next)) changes.Add(new Change(section, id, "removed", Fields(item, null)));
                else if (!JsonNode.DeepEquals(item, next)) changes.Add(new Change(section, id, "changed", Fields(item, next)));
            }
            foreach (var (id, item) in now)
                if (!old.ContainsKey(id)) changes.Add(new Change(section, id, "added", Fields(null, item)));
        }
        return changes;
    }

    private static Dictionary<string, JsonObject> Index(JsonNode? array, string key)
    {
        var map = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (array is JsonArray items)
            foreach (var item in items.OfType<JsonObject>())
                if (item[key]?.GetValue<string>() is { } id) map[id] = item;
        return map;
    }

    private static List<FieldChange> Fields(JsonObject? before, JsonObject? after)
    {
        var names = (before?.Select(p => p.Key) ?? []).Concat(after?.Select(p => p.Key) ?? []).Distinct(StringComparer.Ordinal);
        var fields = new List<FieldChange>();
        foreach (var name in names)
        {
            var x = before?[name];
            var y = after?[name];
            if (!JsonNode.DeepEquals(x, y)) fields.Add(new FieldChange(name, x?.DeepClone(), y?.DeepClone()));
        }
        return fields;
    }
}
