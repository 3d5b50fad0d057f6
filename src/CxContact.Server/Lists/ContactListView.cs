using System.Text.Json;
using CxContact.Core.Lists;

namespace CxContact.Server.Lists;

/// <summary>A list as GET /api/v1/contact-lists/{id} answers it: its settings, counts and recent imports.</summary>
public sealed record ContactListView(
    Guid Id, string Name, string? Description, long Records, long Devices, long Invalid,
    IReadOnlyDictionary<string, long> ByTimeZone, IReadOnlyDictionary<string, long> ByDeviceType,
    string? DefaultCountry, string? DefaultTimeZone, JsonElement? Spec, DateTimeOffset CreatedAt, IReadOnlyList<ImportSummary> RecentImports)
{
    public static ContactListView From(ContactListInfo i) => new(i.Id, i.Name, i.Description, i.Counts.Records, i.Counts.Devices, i.Counts.Invalid,
        i.Counts.ByTimeZone, i.Counts.ByDeviceType, i.DefaultCountry, i.DefaultTimeZone,
        i.SpecJson is null ? null : JsonDocument.Parse(i.SpecJson).RootElement.Clone(), i.CreatedAt, i.RecentImports);
}
