using System.Globalization;
using System.Text;
using System.Text.Json;
using CxContact.Core.Lists;
using Npgsql;

namespace CxContact.Server.Lists.Import;

/// <summary>
/// Writes normalised records with COPY in text format. Binary COPY costs a type-resolved write per value (22 per
/// record, arrays included), which would make this writer the import's bottleneck; one formatted line per record is
/// several times cheaper, and PostgreSQL, which parses the text, has the spare core.
/// </summary>
public sealed class ContactRecordCopy : IAsyncDisposable
{
    public const string Columns = "tenant_id, list_id, contact_id, source_row, client_id, first_name, last_name, company, postal_code, " +
        "region, country, tz, emails, phones, phone_slots, phone_types, phone_zones, phone_countries, phone_regions, phone_area_codes, custom, invalid_devices, import_id";

    private readonly TextWriter _copy;
    private readonly string _prefix, _suffix;
    private readonly StringBuilder _line = new(512);
    private readonly StringBuilder _json = new(256);

    private ContactRecordCopy(TextWriter copy, Guid tenantId, Guid listId, Guid importId)
    {
        _copy = copy;
        _prefix = $"{tenantId}\t{listId}\t";
        _suffix = $"\t{importId}\n";
    }

    /// <summary>Table is one of ours (a partition, a fresh table or a staging table), never user text.</summary>
    public static async Task<ContactRecordCopy> BeginAsync(NpgsqlConnection conn, string table, Guid tenantId, Guid listId, Guid importId, CancellationToken ct) =>
        new(await conn.BeginTextImportAsync($"COPY {table} ({Columns}) FROM STDIN", ct), tenantId, listId, importId);

    public void Write(ContactRecord r)
    {
        var b = _line.Clear();
        b.Append(_prefix).Append(Guid.CreateVersion7().ToString()).Append('\t').Append(r.Row.ToString(CultureInfo.InvariantCulture));
        Field(r.ClientId); Field(r.FirstName); Field(r.LastName); Field(r.Company);
        Field(r.PostalCode); Field(r.Region); Field(r.Country); Field(r.TimeZone);

        b.Append("\t{");
        for (var i = 0; i < r.Emails.Count; i++) { if (i > 0) b.Append(','); Element(r.Emails[i]); }
        b.Append("}\t{");
        for (var i = 0; i < r.Devices.Count; i++) { if (i > 0) b.Append(','); Element(r.Devices[i].E164); }
        b.Append("}\t{");
        for (var i = 0; i < r.Devices.Count; i++) { if (i > 0) b.Append(','); b.Append(r.Devices[i].Slot.ToString(CultureInfo.InvariantCulture)); }
        b.Append("}\t{");
        for (var i = 0; i < r.Devices.Count; i++) { if (i > 0) b.Append(','); b.Append(((int)r.Devices[i].Type).ToString(CultureInfo.InvariantCulture)); }
        b.Append("}\t{");
        for (var i = 0; i < r.Devices.Count; i++)
        {
            if (i > 0) b.Append(',');
            Element(Core.Geography.ZoneList.Join(r.Devices[i].Zones));
        }
        b.Append("}\t{");
        for (var i = 0; i < r.Devices.Count; i++) { if (i > 0) b.Append(','); Element(r.Devices[i].Country); }
        b.Append("}\t{");
        for (var i = 0; i < r.Devices.Count; i++) { if (i > 0) b.Append(','); if (r.Devices[i].Region is { } region) Element(region); else b.Append("NULL"); }
        b.Append("}\t{");
        for (var i = 0; i < r.Devices.Count; i++)
        {
            if (i > 0) b.Append(',');
            if (r.Devices[i].AreaCode is { } npa) b.Append(npa.ToString(CultureInfo.InvariantCulture)); else b.Append("NULL");
        }
        b.Append('}');
        if (r.Custom is null) b.Append("\t\\N"); else Field(Json(r.Custom));
        if (r.InvalidDevices is null) b.Append("\t\\N"); else Field(Json(r.InvalidDevices));
        b.Append(_suffix);
        _copy.Write(b);
    }

    public async Task CompleteAsync(CancellationToken ct)
    {
        await _copy.FlushAsync(ct);
        await _copy.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await _copy.DisposeAsync();

    /// <summary>A column in COPY text format: NULL is \N; backslash, tab, newline and CR are escaped.</summary>
    private void Field(string? value)
    {
        var b = _line.Append('\t');
        if (value is null) { b.Append("\\N"); return; }
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': b.Append("\\\\"); break;
                case '\t': b.Append("\\t"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                default: b.Append(c); break;
            }
        }
    }

    /// <summary>One quoted element of an array literal, escaped for the array and then for COPY.</summary>
    private void Element(string value)
    {
        var b = _line.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': b.Append("\\\\\\\\"); break; // array: \\  then COPY: \\\\
                case '"': b.Append("\\\\\""); break;   // array: \"  then COPY: \\"
                case '\t': b.Append("\\t"); break;
                case '\n': b.Append("\\n"); break;
                case '\r': b.Append("\\r"); break;
                default: b.Append(c); break;
            }
        }
        b.Append('"');
    }

    private string Json(Dictionary<string, object> custom)
    {
        var j = _json.Clear().Append('{');
        var first = true;
        foreach (var (k, v) in custom)
        {
            if (!first) j.Append(',');
            first = false;
            JsonString(j, k);
            j.Append(':');
            switch (v)
            {
                case decimal d: j.Append(d.ToString(CultureInfo.InvariantCulture)); break;
                case bool flag: j.Append(flag ? "true" : "false"); break;
                default: JsonString(j, CustomValues.ToText(v) ?? ""); break;
            }
        }
        return j.Append('}').ToString();
    }

    /// <summary>[{"field","value","reason"}, …]: the shape 0047_invalid_devices.sql documents and ContactRow reads.</summary>
    private string Json(List<InvalidDevice> invalid)
    {
        var j = _json.Clear().Append('[');
        for (var i = 0; i < invalid.Count; i++)
        {
            if (i > 0) j.Append(',');
            j.Append("{\"field\":"); JsonString(j, invalid[i].Field);
            j.Append(",\"value\":"); JsonString(j, invalid[i].Value);
            j.Append(",\"reason\":"); JsonString(j, invalid[i].Reason);
            j.Append('}');
        }
        return j.Append(']').ToString();
    }

    private static void JsonString(StringBuilder j, string s)
    {
        // JsonEncodedText escapes exactly what JSON requires (and more, safely); plain ASCII skips the work.
        if (s.AsSpan().IndexOfAnyExceptInRange(' ', '~') < 0 && s.AsSpan().IndexOfAny('"', '\\') < 0) j.Append('"').Append(s).Append('"');
        else j.Append(JsonSerializer.Serialize(s));
    }
}
