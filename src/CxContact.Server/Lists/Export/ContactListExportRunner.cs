using CxContact.Server.Jobs;
using System.Text;
using CxContact.Server.Lists.Import;
using CxContact.Server.Sftp;
using Npgsql;

namespace CxContact.Server.Lists.Export;

/// <summary>
/// Pushes a list's CSV (<see cref="ContactListCsv"/>) to an SFTP connection: written to the landing directory
/// first, so a slow or failing server never holds a database query open, then uploaded (retried with backoff, and
/// renamed into place by <see cref="SftpUploader"/>). Every push is recorded in contact_list_exports.
/// </summary>
public sealed class ContactListExportRunner(NpgsqlDataSource db, ContactListExportStore exports, SftpUploader uploader, LandingDirectory landing,
    ILogger<ContactListExportRunner> log)
{
    /// <summary>Runs the export, or returns the succeeded one already recorded under <paramref name="idempotencyKey"/>.</summary>
    public async Task<ContactListExportJob> RunAsync(Guid tenantId, Guid listId, Guid connectionId, string remotePath, string? idempotencyKey,
        CancellationToken ct)
    {
        var export = await exports.BeginAsync(tenantId, listId, connectionId, remotePath, idempotencyKey, ct);
        if (export.State == "succeeded") return export;
        var file = landing.NewFile(tenantId, ".export.csv");
        long rows = 0, bytes = 0;
        string? error = null;
        try
        {
            await using (var writer = new StreamWriter(file, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
                rows = await ContactListCsv.WriteAsync(db, listId, chunk => writer.WriteAsync(chunk), ct);
            (_, bytes) = await uploader.UploadAsync(tenantId, connectionId, file, remotePath, ct);
        }
        catch (SftpFetchException e) { error = "the SFTP push failed: " + e.Message; }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable) { error = "the list was deleted before the export ran"; }
        finally
        {
            try { File.Delete(file); } catch (IOException) { /* the landing directory's retention removes it */ }
        }
        var finished = await exports.FinishAsync(export.TenantId, export.ExportId, rows, bytes, error, CancellationToken.None);
        log.LogInformation("Export {ExportId} of list {ListId} to {RemotePath}: {State}, {Rows} records, {Bytes} bytes{Error}",
            export.ExportId, listId, remotePath, finished.State, rows, bytes, error is null ? "" : "; " + error);
        return finished;
    }
}
