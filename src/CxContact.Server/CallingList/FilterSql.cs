using System.Globalization;
using CxContact.Core.Lists;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.CallingList;

/// <summary>
/// Translates a campaign filter (the selection-rule language of imports) into a SQL predicate over one preload row:
/// c = the contact_records row, d = one of its devices. Every value and every custom field name is a parameter; only
/// whitelisted column names reach the text. Comparisons follow SelectionRules.Compare: numbers as numbers, ISO dates
/// as dates, anything else as text ignoring case. Device fields (area_code, device_type, tz) test the device row itself,
/// so a filter can leave out some of a contact's devices and keep the others.
/// </summary>
public sealed class FilterSql(List<NpgsqlParameter> parameters)
{
    private const string NumberPattern = @"^-?[0-9]+(\.[0-9]+)?$";
    private const string DatePattern = @"^\d{4}-\d{2}-\d{2}$";

    public string Build(SelectionRule rule)
    {
        if (rule.All is { } all) return "(" + string.Join(" AND ", all.Select(Build)) + ")";
        if (rule.Any is { } any) return "(" + string.Join(" OR ", any.Select(Build)) + ")";
        var x = Field(rule.Field!);
        return rule.Op switch
        {
            "is empty" => $"(coalesce({x}, '') = '')",
            "is not empty" => $"(coalesce({x}, '') <> '')",
            "!=" => $"(NOT {Positive("=", x, rule)})",
            "not in" => $"(NOT {Positive("in", x, rule)})",
            _ => Positive(rule.Op!, x, rule),
        };
    }

    /// <summary>The condition holds for a non-empty value that passes the test; null-safe, so NOT works on it.</summary>
    private string Positive(string op, string x, SelectionRule rule)
    {
        string test;
        switch (op)
        {
            case "in":
                test = $"lower({x}) = ANY({Param(rule.Values!.Select(v => v.ToLowerInvariant()).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)})";
                break;
            case "contains":
                test = $"strpos(lower({x}), {Param(rule.Value!.ToLowerInvariant())}) > 0";
                break;
            case "starts with":
                test = $"starts_with(lower({x}), {Param(rule.Value!.ToLowerInvariant())})";
                break;
            default:
                var v = rule.Value!;
                if (decimal.TryParse(v, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
                    test = $"(CASE WHEN {x} ~ '{NumberPattern}' THEN {x}::numeric {op} {Param(number)} ELSE lower({x}) {op} {Param(v.ToLowerInvariant())} END)";
                else if (DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    test = $"(CASE WHEN {x} ~ '{DatePattern}' THEN {x}::date {op} {Param(date)} ELSE lower({x}) {op} {Param(v.ToLowerInvariant())} END)";
                else
                    test = $"lower({x}) {op} {Param(v.ToLowerInvariant())}";
                break;
        }
        return $"coalesce({x} <> '' AND {test}, false)";
    }

    private string Field(string field) => field switch
    {
        StandardFields.ClientId => "c.client_id",
        StandardFields.FirstName => "c.first_name",
        StandardFields.LastName => "c.last_name",
        StandardFields.Company => "c.company",
        StandardFields.PostalCode => "c.postal_code",
        // Per device, as LocationPrecedence places it: the address, else the number's own place stored at import.
        StandardFields.Region => "coalesce(c.region, d.region)",
        StandardFields.Country => "coalesce(c.country, d.country)",
        StandardFields.TimeZone => "coalesce(c.tz, split_part(d.zones, ' ', 1))",
        StandardFields.AreaCode => "d.area_code::text",
        StandardFields.DeviceType => "(CASE d.ptype WHEN 1 THEN 'mobile' WHEN 2 THEN 'landline' WHEN 3 THEN 'voip' WHEN 4 THEN 'toll-free' ELSE 'unknown' END)",
        "attempts" => "c.attempts::text",
        "last_result" => "c.last_result",
        _ => $"(c.custom ->> {Param(field)})",
    };

    private string Param(object value, NpgsqlDbType? type = null)
    {
        var name = "f" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        var p = new NpgsqlParameter(name, value);
        if (type is { } t) p.NpgsqlDbType = t;
        parameters.Add(p);
        return "@" + name;
    }

    /// <summary>An ORDER BY key for a sort field (same whitelist; custom fields by parameter).</summary>
    public string SortKey(string field) => field switch
    {
        "attempts" => "c.attempts",
        "imported_at" => "c.imported_at",
        "last_attempt_at" => "c.last_attempt_at",
        "source_row" => "c.source_row",
        // Sorting orders contacts, before their devices are unnested: only the contact's own columns.
        StandardFields.Region => "c.region",
        StandardFields.Country => "c.country",
        _ when StandardFields.Text.Contains(field) => Field(field).Replace("split_part(d.zones, ' ', 1)", "NULL", StringComparison.Ordinal),
        _ => $"(c.custom ->> {Param(field)})",
    };
}
