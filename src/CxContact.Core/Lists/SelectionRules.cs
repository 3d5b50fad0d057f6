using System.Globalization;
using CxContact.Core.Phones;

namespace CxContact.Core.Lists;

/// <summary>
/// Validates and evaluates selection rules against a normalised record. Device-derived fields (area_code,
/// device_type, and tz) hold when any device matches; their negations (!=, not in) hold when none does.
/// </summary>
public static class SelectionRules
{
    public static void Validate(SelectionRule rule, string path, Action<string, string> add, int depth = 0)
    {
        if (depth > 10) { add(path, "rules nest more than 10 deep"); return; }
        var isGroup = rule.All is not null || rule.Any is not null;
        if (isGroup)
        {
            if (rule.All is not null && rule.Any is not null) add(path, "a group has either \"all\" or \"any\", not both");
            if (rule.Field is not null || rule.Op is not null) add(path, "a group cannot also be a condition");
            var children = rule.All ?? rule.Any!;
            if (children.Count == 0) add(path, "a group needs at least one rule");
            for (var i = 0; i < children.Count; i++)
                Validate(children[i], $"{path}.{(rule.All is not null ? "all" : "any")}[{i}]", add, depth + 1);
            return;
        }
        if (string.IsNullOrWhiteSpace(rule.Field)) add($"{path}.field", "is required");
        if (rule.Op is null || !SelectionRule.Operators.Contains(rule.Op))
        {
            add($"{path}.op", $"use one of {string.Join(", ", SelectionRule.Operators)}");
            return;
        }
        switch (rule.Op)
        {
            case "in" or "not in" when rule.Values is null || rule.Values.Count == 0:
                add($"{path}.values", $"\"{rule.Op}\" needs a non-empty list of values");
                break;
            case "is empty" or "is not empty":
                break;
            case not ("in" or "not in") when rule.Value is null:
                add($"{path}.value", $"\"{rule.Op}\" needs a value");
                break;
        }
    }

    public static bool Matches(SelectionRule rule, ContactRecord record)
    {
        if (rule.All is { } all) return all.All(r => Matches(r, record));
        if (rule.Any is { } any) return any.Any(r => Matches(r, record));
        var field = rule.Field!;
        var negated = rule.Op is "!=" or "not in" or "is not empty";
        var positive = rule.Op switch { "!=" => "=", "not in" => "in", "is not empty" => "is empty", _ => rule.Op! };

        var values = Values(field, record);
        bool hit = positive == "is empty"
            ? values.All(string.IsNullOrEmpty)
            : values.Any(v => !string.IsNullOrEmpty(v) && Test(positive, v!, rule));
        return negated ? !hit : hit;
    }

    private static readonly string?[] NoValue = [null];

    /// <summary>The field's values: one for plain fields, one per device for device-derived ones.</summary>
    private static IEnumerable<string?> Values(string field, ContactRecord r)
    {
        switch (field)
        {
            case StandardFields.AreaCode:
                return r.Devices.Count == 0 ? NoValue : r.Devices.Select(d => d.AreaCode?.ToString(CultureInfo.InvariantCulture));
            case StandardFields.DeviceType:
                return r.Devices.Count == 0 ? NoValue : r.Devices.Select(d => (string?)d.Type.ToWire());
            case StandardFields.TimeZone:
                var zones = r.Devices.SelectMany(d => d.Zones).Append(r.TimeZone).Where(z => z is not null).Select(z => (string?)z).Distinct().ToList();
                return zones.Count == 0 ? NoValue : zones;
            // No address: each number places the contact (LocationPrecedence), as the preload's filters do.
            case StandardFields.Region when r.Region is null:
                var regions = r.Devices.Select(d => d.Region).Where(x => x is not null).Distinct().ToList();
                return regions.Count == 0 ? NoValue : regions;
            case StandardFields.Country when r.Country is null:
                return r.Devices.Count == 0 ? NoValue : r.Devices.Select(d => (string?)d.Country).Distinct();
            default:
                return [r.Get(field)];
        }
    }

    private static bool Test(string op, string actual, SelectionRule rule) => op switch
    {
        "=" => Compare(actual, rule.Value!) == 0,
        "<" => Compare(actual, rule.Value!) < 0,
        "<=" => Compare(actual, rule.Value!) <= 0,
        ">" => Compare(actual, rule.Value!) > 0,
        ">=" => Compare(actual, rule.Value!) >= 0,
        "in" => rule.Values!.Any(v => Compare(actual, v) == 0),
        "contains" => actual.Contains(rule.Value!, StringComparison.OrdinalIgnoreCase),
        "starts with" => actual.StartsWith(rule.Value!, StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>Numbers compare as numbers, ISO dates as dates, anything else as text ignoring case.</summary>
    public static int Compare(string a, string b)
    {
        if (decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var x) &&
            decimal.TryParse(b, NumberStyles.Number, CultureInfo.InvariantCulture, out var y)) return x.CompareTo(y);
        if (DateOnly.TryParseExact(a, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var da) &&
            DateOnly.TryParseExact(b, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var db)) return da.CompareTo(db);
        return string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
