using CxContact.Core.Geography;
using CxContact.Core.Phones;
using CxContact.Core.Tenancy;

namespace CxContact.Core.Lists;

/// <summary>
/// Turns one row's cells into a normalised record, or into the reasons it cannot be one. Time zone per device,
/// by the one precedence (<see cref="LocationPrecedence"/>): explicit tz, postal code, phone number, list default.
/// </summary>
public sealed class RecordBuilder(ImportPlan plan, ImportSpec spec, string defaultCountry, string? defaultTimeZone, PhoneNormalizer phones)
{
    public const int MaxFieldLength = 1000;
    public const int MaxCustomTextLength = 4000;
    private readonly IReadOnlyList<string> _defaultZones = defaultTimeZone is null ? [] : [defaultTimeZone];
    private readonly Dictionary<string, bool> _zoneCache = new(StringComparer.Ordinal);

    /// <summary>Builds the record from cells[column index] (null where a column is not mapped); adds any errors.</summary>
    public ContactRecord? Build(int row, string?[] cells, List<RowError> errors)
    {
        var before = errors.Count;
        var r = new ContactRecord { Row = row };
        List<(ColumnTarget Target, string Text)>? phoneCells = null;

        foreach (var t in plan.Targets)
        {
            var text = cells[t.Index]?.Trim();
            if (string.IsNullOrEmpty(text)) continue;
            var max = t.CustomName is not null && t.CustomType == CustomFieldType.String ? MaxCustomTextLength : MaxFieldLength;
            if (text.Length > max) { errors.Add(new(row, t.Header, $"the value is {text.Length} characters long; at most {max} are allowed")); continue; }

            if (t.PhoneSlot > 0) (phoneCells ??= new(2)).Add((t, text));
            else if (t.EmailSlot > 0)
            {
                if (IsEmail(text)) r.Emails.Add(text);
                else Invalid(r, t, text, "is not an email address", errors);
            }
            else if (t.CustomName is { } name)
            {
                if (CustomValues.TryParse(t.CustomType, text, out var value, out var error)) (r.Custom ??= new(StringComparer.Ordinal))[name] = value;
                else errors.Add(new(row, t.Header, error!));
            }
            else SetText(r, t, text, errors);
        }

        // The address: what the row says, else what its postal code says. The numbers' own places are kept per
        // device, so a contact without an address is placed by each of its numbers, not by the first one.
        var location = r.PostalCode is { } pc ? PostalCodes.Lookup(pc, r.Country) : null;
        if (location is not null) { r.Region ??= location.Region; r.Country ??= location.Country; }
        var country = r.Country ?? defaultCountry;

        if (phoneCells is not null)
            foreach (var (t, text) in phoneCells)
            {
                var result = phones.Normalize(text, country, t.DeviceHint);
                if (!result.Ok) { Invalid(r, t, text, result.Error!, errors); continue; }
                var p = result.Phone!;
                if (r.Devices.Any(d => d.E164 == p.E164)) continue; // the same number twice is one device
                var at = LocationPrecedence.Resolve(r.Country, r.Region, r.TimeZone, location, p, defaultCountry, _defaultZones);
                r.Devices.Add(new ContactDevice(t.PhoneSlot, p.E164, p.DeviceType, at.Zones, p.AreaCode, p.Region, p.Country));
            }

        var rejected = false;
        foreach (var field in spec.Required)
        {
            if (!string.IsNullOrEmpty(r.Get(field))) continue;
            rejected = true;
            if (!errors.Skip(before).Any(e => e.Column == field) && r.InvalidDevices?.Any(d => d.Field == field) != true)
                errors.Add(new(row, field, "is required but empty"));
        }
        for (var i = before; i < errors.Count && !rejected; i++) rejected = !errors[i].Warning;
        if (!rejected && plan.MapsDevices && r.Devices.Count == 0 && r.Emails.Count == 0)
        {
            rejected = true;
            if (r.InvalidDevices is null) errors.Add(new(row, "(row)", "has no phone number or email address"));
        }
        if (!rejected) return r;

        // A rejected row keeps nothing, so its device problems are among the reasons it was rejected.
        for (var i = before; i < errors.Count; i++)
            if (errors[i].Warning) errors[i] = errors[i] with { Warning = false };
        return null;
    }

    /// <summary>An unusable phone or email: kept on the record as an invalid device, reported as a warning.</summary>
    private static void Invalid(ContactRecord r, ColumnTarget t, string text, string reason, List<RowError> errors)
    {
        (r.InvalidDevices ??= new(1)).Add(new InvalidDevice(t.Field, text, reason));
        errors.Add(new(r.Row, t.Header, $"\"{CustomValues.Clip(text)}\" {reason}", Warning: true));
    }

    private void SetText(ContactRecord r, ColumnTarget t, string text, List<RowError> errors)
    {
        switch (t.Field)
        {
            case StandardFields.ClientId: r.ClientId = text; break;
            case StandardFields.FirstName: r.FirstName = text; break;
            case StandardFields.LastName: r.LastName = text; break;
            case StandardFields.Company: r.Company = text; break;
            case StandardFields.PostalCode: r.PostalCode = text; break;
            case StandardFields.Region: r.Region = text.ToUpperInvariant(); break;
            case StandardFields.Country:
                var c = text.ToUpperInvariant();
                if (TenantSettingsRules.IsIsoCountry(c)) r.Country = c;
                else errors.Add(new(r.Row, t.Header, $"\"{CustomValues.Clip(text)}\" is not an ISO 3166-1 alpha-2 country code"));
                break;
            case StandardFields.TimeZone:
                if (!_zoneCache.TryGetValue(text, out var ok)) _zoneCache[text] = ok = TenantSettingsRules.IsIanaZone(text);
                if (ok) r.TimeZone = text;
                else errors.Add(new(r.Row, t.Header, $"\"{CustomValues.Clip(text)}\" is not a known IANA time zone"));
                break;
        }
    }

    /// <summary>A deliberately plain check: one @, something on each side, a dot in the domain, no spaces.</summary>
    public static bool IsEmail(string s)
    {
        var at = s.IndexOf('@');
        return at > 0 && at == s.LastIndexOf('@') && at < s.Length - 3 && s.IndexOf('.', at) > at + 1 && !s.EndsWith('.')
            && !s.AsSpan().ContainsAny(" \t,;<>\"") && s.Length <= 254;
    }
}
