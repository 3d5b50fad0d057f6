using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Server.Lists;
using Npgsql;

namespace CxContact.Server.Messaging;

/// <summary>What a template sees of a contact: its standard fields, custom fields and the address a message goes to.</summary>
public static class ContactFields
{
    /// <summary>The tenant's contacts by id; with <paramref name="lists"/>, only their partitions are read.</summary>
    public static async Task<Dictionary<Guid, ContactRow>> LoadAsync(NpgsqlDataSource db, Guid tenantId, Guid[] contactIds, CancellationToken ct,
        Guid[]? lists = null)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT {ContactRow.Columns} FROM contact_records WHERE tenant_id = @t AND contact_id = ANY(@k){(lists is null ? "" : " AND list_id = ANY(@l)")}
            """);
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("k", contactIds);
        if (lists is not null) cmd.Parameters.AddWithValue("l", lists);
        var found = new Dictionary<Guid, ContactRow>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) { var c = ContactRow.Read(r); found[c.Id] = c; }
        return found;
    }

    /// <param name="to">The phone or email the message goes to; the contact's first of each when null (a preview).</param>
    public static Dictionary<string, object?> Of(ContactRow c, string? to = null)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            [StandardFields.ClientId] = c.ClientId, [StandardFields.FirstName] = c.FirstName, [StandardFields.LastName] = c.LastName,
            [StandardFields.Company] = c.Company, [StandardFields.PostalCode] = c.PostalCode, [StandardFields.Region] = c.Region,
            [StandardFields.Country] = c.Country, [StandardFields.TimeZone] = c.Tz,
            ["phone"] = to is not null && to.StartsWith('+') ? to : c.Devices.FirstOrDefault()?.Number,
            ["email"] = to is not null && to.Contains('@') ? to : c.Emails.FirstOrDefault(),
        };
        var custom = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (c.Custom is { ValueKind: JsonValueKind.Object } json)
            foreach (var p in json.EnumerateObject())
                custom[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.Number => p.Value.GetDecimal(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Null => null,
                    _ => p.Value.ToString(),
                };
        fields["custom"] = custom;
        return fields;
    }
}
