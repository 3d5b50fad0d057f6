namespace CxContact.Core.Lists;

/// <summary>A list as the API shows it.</summary>
[GenerateSerializer, Alias("cxc.ContactListInfo")]
public sealed record ContactListInfo(
    [property: Id(0)] Guid Id,
    [property: Id(1)] Guid TenantId,
    [property: Id(2)] string Name,
    [property: Id(3)] string? Description,
    [property: Id(4)] string? DefaultCountry,
    [property: Id(5)] string? DefaultTimeZone,
    [property: Id(6)] string? SpecJson,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] ListCounts Counts,
    [property: Id(9)] IReadOnlyList<ImportSummary> RecentImports);
