namespace CxContact.Server.Lists.Import;

/// <summary>An import's status as the API shows it, with its speed and an estimate of the time left.</summary>
public sealed record ImportView(
    Guid Id, Guid ListId, string State, string Phase, string Mode, string? FileName, long FileBytes,
    long RowsRead, long Accepted, long Rejected, long Excluded, long Merged, double RowsPerSecond, double? EtaSeconds,
    string? Error, IReadOnlyList<string> Warnings, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string ErrorsUrl,
    long BytesRead)
{
    public static ImportView From(ImportJob j, DateTimeOffset now)
    {
        var end = j.FinishedAt ?? now;
        var seconds = j.StartedAt is { } s ? Math.Max((end - s).TotalSeconds, 0.001) : 0;
        var rate = seconds > 0 ? j.RowsRead / seconds : 0;
        double? eta = j.State == "running" && j.BytesRead > 0 && j.FileBytes > j.BytesRead && seconds > 0
            ? (j.FileBytes - j.BytesRead) / (j.BytesRead / seconds) : j.State == "running" ? null : 0;
        return new ImportView(j.ImportId, j.ListId, j.State, j.Phase, j.Mode, j.FileName, j.FileBytes, j.RowsRead, j.Accepted, j.Rejected,
            j.Excluded, j.Merged, Math.Round(rate, 1), eta is null ? null : Math.Round(eta.Value, 1), j.Error, j.Warnings, j.CreatedAt, j.StartedAt,
            j.FinishedAt, $"/api/v1/contact-lists/{j.ListId}/imports/{j.ImportId}/errors", j.BytesRead);
    }
}
