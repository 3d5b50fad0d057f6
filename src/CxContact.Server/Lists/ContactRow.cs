using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Core.Phones;
using Npgsql;

namespace CxContact.Server.Lists;

/// <summary>One stored record as the API pages and exports it.</summary>
/// <param name="InvalidDevices">Phones and emails the import kept but cannot use, with why; never dialled.</param>
public sealed record ContactRow(
    Guid Id, int SourceRow, string? ClientId, string? FirstName, string? LastName, string? Company, string? PostalCode,
    string? Region, string? Country, string? Tz, string[] Emails, IReadOnlyList<ContactRow.Device> Devices,
    JsonElement? Custom, int Attempts, string? LastResult, DateTimeOffset? LastAttemptAt, IReadOnlyList<InvalidDevice> InvalidDevices)
{
    public sealed record Device(int Slot, string Number, string Type, string[] TimeZones);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public const string Columns = "contact_id, source_row, client_id, first_name, last_name, company, postal_code, region, country, tz, " +
        "emails, phones, phone_slots, phone_types, phone_zones, custom::text, attempts, last_result, last_attempt_at, invalid_devices::text";

    public static ContactRow Read(NpgsqlDataReader r)
    {
        var phones = r.GetFieldValue<string[]>(11);
        var slots = r.GetFieldValue<short[]>(12);
        var types = r.GetFieldValue<short[]>(13);
        var zones = r.GetFieldValue<string[]>(14);
        var devices = new Device[phones.Length];
        for (var i = 0; i < phones.Length; i++)
            devices[i] = new Device(slots[i], phones[i], ((DeviceType)types[i]).ToWire(), Core.Geography.ZoneList.Split(zones[i]));
        return new ContactRow(r.GetGuid(0), r.GetInt32(1), Text(r, 2), Text(r, 3), Text(r, 4), Text(r, 5), Text(r, 6), Text(r, 7), Text(r, 8), Text(r, 9),
            r.GetFieldValue<string[]>(10), devices, r.IsDBNull(15) ? null : JsonDocument.Parse(r.GetString(15)).RootElement.Clone(),
            r.GetInt32(16), Text(r, 17), r.IsDBNull(18) ? null : r.GetFieldValue<DateTimeOffset>(18),
            r.IsDBNull(19) ? [] : JsonSerializer.Deserialize<InvalidDevice[]>(r.GetString(19), Web)!);
    }

    private static string? Text(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
