using System.Text.Json.Nodes;
using CxContact.Admin.Api.Models;

namespace CxContact.Admin.Shared;

/// <summary>
/// One condition of a selection rule, as the console edits it: an import's selection and a campaign's filter are both
/// "all of these hold", in the API's one rule language.
/// </summary>
public sealed class Condition
{
    public static readonly IReadOnlyList<string> Operators =
        ["=", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "starts with", "is empty", "is not empty"];

    public string Field { get; set; } = "";
    public string Op { get; set; } = "=";
    public string Value { get; set; } = "";

    public bool TakesValue => Op is not ("is empty" or "is not empty");
    private bool TakesValues => Op is "in" or "not in";
    private List<string> Values => [.. Value.Split(',').Select(v => v.Trim()).Where(v => v.Length > 0)];

    /// <summary>"all of" the conditions with a field, as the API's rule; null when there is none.</summary>
    public static SelectionRule? ToRule(IEnumerable<Condition> conditions)
    {
        var all = conditions.Where(c => c.Field.Trim().Length > 0).Select(c => new SelectionRule
        {
            Field = c.Field.Trim(), Op = c.Op,
            Value = c.TakesValue && !c.TakesValues ? c.Value : null,
            Values = c.TakesValues ? c.Values : null,
        }).ToList();
        return all.Count == 0 ? null : new SelectionRule { All = all };
    }

    /// <summary>The same rule as JSON, for an import spec.</summary>
    public static JsonObject? ToJson(IEnumerable<Condition> conditions)
    {
        if (ToRule(conditions) is not { All: { } all }) return null;
        var array = new JsonArray();
        foreach (var r in all)
        {
            var o = new JsonObject { ["field"] = r.Field, ["op"] = r.Op };
            if (r.Values is { } values) o["values"] = new JsonArray([.. values.Select(v => JsonValue.Create(v))]);
            else if (r.Value is { } value) o["value"] = value;
            array.Add(o);
        }
        return new JsonObject { ["all"] = array };
    }

    /// <summary>A rule the console made ("all of" single conditions), back into conditions; a deeper rule is flattened as far as it goes.</summary>
    public static List<Condition> From(SelectionRule? rule)
    {
        var found = new List<Condition>();
        void Walk(SelectionRule r)
        {
            if (r.Field is { } f) found.Add(new Condition { Field = f, Op = r.Op ?? "=", Value = r.Values is { } v ? string.Join(", ", v) : r.Value ?? "" });
            foreach (var child in r.All ?? []) Walk(child);
        }
        if (rule is not null) Walk(rule);
        return found;
    }
}
