using CxContact.Core.Tenancy;

namespace CxContact.Core.Lists;

/// <summary>Checks a spec before any row is read, naming each problem by its JSON path ("spec.columns[2].field").</summary>
public static class ImportSpecValidator
{
    public static Dictionary<string, string[]> Validate(ImportSpec spec, string path = "spec")
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string p, string m) { if (!errors.TryGetValue(p, out var l)) errors[p] = l = []; l.Add(m); }

        var f = spec.Format ?? new FileFormat();
        if (!FileFormat.DelimiterNames.ContainsKey(f.Delimiter ?? ""))
            Add($"{path}.format.delimiter", $"\"{f.Delimiter}\" is not supported; use comma, semicolon, tab, pipe or colon");
        if (!FileFormat.Encodings.Contains((f.Encoding ?? "").ToLowerInvariant()))
            Add($"{path}.format.encoding", $"\"{f.Encoding}\" is not supported; use {string.Join(", ", FileFormat.Encodings)}");
        if (f.Quote is not ({ Length: 1 } or "single" or "double") || f.Quote == f.Delimiter)
            Add($"{path}.format.quote", "must be one character, different from the delimiter");
        if (!f.HasHeader && spec.Columns.Count == 0)
            Add($"{path}.columns", "a file without a header row needs column mappings");

        var targets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Columns.Count; i++)
        {
            var c = spec.Columns[i];
            var p = $"{path}.columns[{i}]";
            if (c.SourceName is null && c.SourceIndex is null)
                Add($"{p}.source", "is required: a header name, or a 1-based column number");
            else if (c.SourceIndex is < 1 or > 10_000)
                Add($"{p}.source", "a column number starts at 1");
            else if (c.SourceName is not null && !f.HasHeader)
                Add($"{p}.source", "names a header, but the format says the file has no header row; use a column number");
            if (c.Ignore) continue;
            if (string.IsNullOrEmpty(c.Field)) { Add($"{p}.field", "is required (a standard field, or \"custom\"), unless ignore is true"); continue; }
            string target;
            if (c.IsCustom)
            {
                if (string.IsNullOrWhiteSpace(c.Name) || c.Name.Length > 63)
                    Add($"{p}.name", "a custom field needs a name of 1 to 63 characters");
                else if (StandardFields.Mappable.Contains(c.Name) || StandardFields.Derived.Contains(c.Name))
                    Add($"{p}.name", $"\"{c.Name}\" is a standard field name; map it as that field instead");
                if (!Enum.TryParse<CustomFieldType>(c.Type ?? "string", ignoreCase: true, out _))
                    Add($"{p}.type", $"\"{c.Type}\" is not a type; use string, number, date or bool");
                target = "custom:" + c.Name;
            }
            else if (!StandardFields.Mappable.Contains(c.Field))
            {
                Add($"{p}.field", $"\"{c.Field}\" is not a field; use one of {string.Join(", ", StandardFields.Text)}, phone1..phone10, email1..email3, or \"custom\"");
                continue;
            }
            else target = c.Field;
            if (c.DeviceType is not null && (StandardFields.PhoneSlot(c.Field) == 0 || !Phones.DeviceTypes.TryParse(c.DeviceType, out _)))
                Add($"{p}.deviceType", "only phone fields take a device type: mobile, landline, voip, toll-free or unknown");
            if (!targets.Add(target)) Add($"{p}.field", $"\"{target}\" is mapped twice");
        }

        if (spec.DefaultCountry is not null && !TenantSettingsRules.IsIsoCountry(spec.DefaultCountry))
            Add($"{path}.defaultCountry", $"\"{spec.DefaultCountry}\" is not an ISO 3166-1 alpha-2 country code");
        if (spec.DefaultTimeZone is not null && !TenantSettingsRules.IsIanaZone(spec.DefaultTimeZone))
            Add($"{path}.defaultTimeZone", $"\"{spec.DefaultTimeZone}\" is not a known IANA time zone");
        foreach (var r in spec.Required)
            if (!StandardFields.Mappable.Contains(r) && !targets.Contains("custom:" + r))
                Add($"{path}.required", $"\"{r}\" is neither a standard field nor a mapped custom field");
        if (spec.Dedupe is not ("none" or "client_id" or "phone"))
            Add($"{path}.dedupe", "use none, client_id or phone");
        if (spec.RejectThresholdPercent is < 0 or > 100 || double.IsNaN(spec.RejectThresholdPercent))
            Add($"{path}.rejectThresholdPercent", "must be between 0 and 100");
        if (spec.UpdateKey is { } key && !StandardFields.Text.Contains(key) && !targets.Contains("custom:" + key))
            Add($"{path}.updateKey", $"\"{key}\" is neither a standard text field nor a mapped custom field");
        if (spec.Selection is not null) SelectionRules.Validate(spec.Selection, $"{path}.selection", Add);

        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
    }
}
