namespace CxContact.Server.Scheduling;

/// <summary>
/// One job of any kind in /api/v1/jobs: a contact-list or suppression import, a contact-list export, a campaign
/// preload or a scheduled run, with its progress so far (rows and bytes read of the file's bytes; rows and bytes
/// written for an export; records made for a preload) and where to read more about it.
/// </summary>
public sealed record JobView(string Kind, Guid Id, string State, string Phase, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt, string? Error, long RowsRead, long BytesRead, long FileBytes, string? Detail, string Link);
