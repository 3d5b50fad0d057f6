using System.Buffers;
using System.Text.Json;
using CxContact.Core.Lists;
using Npgsql;
using NpgsqlTypes;

namespace CxContact.Server.Lists.Import;

/// <summary>Writes normalised records with binary COPY, the fastest way into PostgreSQL.</summary>
public sealed class ContactRecordCopy : IAsyncDisposable
{
    public const string Columns = "tenant_id, list_id, contact_id, source_row, client_id, first_name, last_name, company, postal_code, " +
        "region, country, tz, emails, phones, phone_slots, phone_types, phone_zones, custom, import_id";

    private readonly NpgsqlBinaryImporter _copy;
    private readonly Guid _tenantId, _listId, _importId;
    private readonly ArrayBufferWriter<byte> _json = new(256);

    private ContactRecordCopy(NpgsqlBinaryImporter copy, Guid tenantId, Guid listId, Guid importId)
    {
        (_copy, _tenantId, _listId, _importId) = (copy, tenantId, listId, importId);
    }

    /// <summary>Table is one of ours (a partition, a fresh table or a staging table), never user text.</summary>
    public static async Task<ContactRecordCopy> BeginAsync(NpgsqlConnection conn, string table, Guid tenantId, Guid listId, Guid importId, CancellationToken ct) =>
        new(await conn.BeginBinaryImportAsync($"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", ct), tenantId, listId, importId);

    public void Write(ContactRecord r)
    {
        _copy.StartRow();
        _copy.Write(_tenantId, NpgsqlDbType.Uuid);
        _copy.Write(_listId, NpgsqlDbType.Uuid);
        _copy.Write(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
        _copy.Write(r.Row, NpgsqlDbType.Integer);
        Text(r.ClientId); Text(r.FirstName); Text(r.LastName); Text(r.Company);
        Text(r.PostalCode); Text(r.Region); Text(r.Country); Text(r.TimeZone);
        _copy.Write(r.Emails.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
        var n = r.Devices.Count;
        var phones = new string[n];
        var slots = new short[n];
        var types = new short[n];
        var zones = new string[n];
        for (var i = 0; i < n; i++)
        {
            var d = r.Devices[i];
            phones[i] = d.E164;
            slots[i] = (short)d.Slot;
            types[i] = (short)d.Type;
            zones[i] = d.Zones.Count == 1 ? d.Zones[0] : string.Join(' ', d.Zones);
        }
        _copy.Write(phones, NpgsqlDbType.Array | NpgsqlDbType.Text);
        _copy.Write(slots, NpgsqlDbType.Array | NpgsqlDbType.Smallint);
        _copy.Write(types, NpgsqlDbType.Array | NpgsqlDbType.Smallint);
        _copy.Write(zones, NpgsqlDbType.Array | NpgsqlDbType.Text);
        if (r.Custom is null) _copy.WriteNull(); else _copy.Write(Json(r.Custom), NpgsqlDbType.Jsonb);
        _copy.Write(_importId, NpgsqlDbType.Uuid);
    }

    public async Task<ulong> CompleteAsync(CancellationToken ct) => await _copy.CompleteAsync(ct);

    public ValueTask DisposeAsync() => _copy.DisposeAsync();

    private void Text(string? value)
    {
        if (value is null) _copy.WriteNull(); else _copy.Write(value, NpgsqlDbType.Text);
    }

    private string Json(Dictionary<string, object> custom)
    {
        _json.ResetWrittenCount();
        using (var w = new Utf8JsonWriter(_json))
        {
            w.WriteStartObject();
            foreach (var (k, v) in custom)
            {
                switch (v)
                {
                    case decimal d: w.WriteNumber(k, d); break;
                    case bool b: w.WriteBoolean(k, b); break;
                    default: w.WriteString(k, CustomValues.ToText(v)); break;
                }
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(_json.WrittenSpan);
    }
}
