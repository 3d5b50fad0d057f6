using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Server.Lists;
using Npgsql;

namespace CxContact.Server.Messaging;

/// <summary>What a template sees of a contact: its standard fields, custom fields and the address a message goes to.</summary>
public static class ContactFields
{
    public static async Task<ContactRow?> LoadAsync(NpgsqlDataSource db, Guid tenantId, Guid contactId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"SELECT {ContactRow.Columns} FROM contact_records WHERE tenant_id = @t AND contact_id = @c");
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("c", contactId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? ContactRow.Read(r) : null;
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
