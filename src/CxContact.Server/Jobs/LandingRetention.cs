using Npgsql;

namespace CxContact.Server.Jobs;

/// <summary>
/// Deletes landing files nothing will read again: uploads and pulls of imports that finished, failed or were
/// abandoned, a client's upload cut off halfway, and transfers' leftovers. A file is kept while a queued or running
/// import names it, and for a grace period after it was last written (an upload still arriving). Only the tenants'
/// folders are swept: a file an operator must read at the landing root (the bootstrap key) is never touched.
/// Runs on campaign silos, which mount the landing volume; deleting is idempotent, so silos may sweep together.
/// </summary>
public sealed class LandingRetention(LandingDirectory landing, NpgsqlDataSource db, ILogger<LandingRetention> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try { await SweepAsync(DateTime.UtcNow - Grace, stopping); }
            catch (Exception e) when (e is NpgsqlException or IOException or UnauthorizedAccessException)
            {
                log.LogWarning(e, "The landing directory sweep did not finish; it runs again in {Minutes} min", Every.TotalMinutes);
            }
            try { await Task.Delay(Every, stopping); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Deletes the unreferenced files last written before <paramref name="writtenBefore"/>; returns how many.</summary>
    public async Task<int> SweepAsync(DateTime writtenBefore, CancellationToken ct)
    {
        var active = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = db.CreateCommand("""
            SELECT file_path FROM list_imports WHERE state IN ('queued', 'running')
            UNION ALL SELECT file_path FROM suppression_imports WHERE state IN ('queued', 'running')
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) active.Add(Path.GetFullPath(r.GetString(0)));

        var deleted = 0;
        foreach (var tenantDir in Directory.EnumerateDirectories(landing.Root).Where(d => Guid.TryParseExact(Path.GetFileName(d), "N", out _)))
            foreach (var file in Directory.EnumerateFiles(tenantDir))
            {
                var full = Path.GetFullPath(file);
                if (active.Contains(full) || active.Contains(PartialOwner(full))) continue;
                if (File.GetLastWriteTimeUtc(full) >= writtenBefore) continue;
                try { File.Delete(full); deleted++; }
                catch (IOException) { /* in use or gone: the next sweep decides */ }
            }
        if (deleted > 0) log.LogInformation("Deleted {Count} landing files that no import will read", deleted);
        return deleted;
    }

    /// <summary>A pull's temporary file is "{destination}.{id}.partial": it belongs to the import whose file is destination.</summary>
    private static string PartialOwner(string path)
    {
        if (!path.EndsWith(".partial", StringComparison.Ordinal)) return path;
        var withoutSuffix = path[..^".partial".Length];
        var dot = withoutSuffix.LastIndexOf('.');
        return dot > 0 ? withoutSuffix[..dot] : path;
    }
}
