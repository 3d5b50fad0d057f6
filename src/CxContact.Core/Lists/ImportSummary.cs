namespace CxContact.Core.Lists;

/// <summary>A finished import, kept in the list's history.</summary>
[GenerateSerializer, Alias("cxc.ImportSummary")]
public sealed record ImportSummary(
    [property: Id(0)] Guid ImportId,
    [property: Id(1)] string State,
    [property: Id(2)] string Mode,
    [property: Id(3)] string? FileName,
    [property: Id(4)] long RowsRead,
    [property: Id(5)] long Accepted,
    [property: Id(6)] long Rejected,
    [property: Id(7)] long Excluded,
    [property: Id(8)] long Merged,
    [property: Id(9)] string? Error,
    [property: Id(10)] DateTimeOffset? StartedAt,
    [property: Id(11)] DateTimeOffset? FinishedAt);
